"""spacebrief: news monitoring for space cooperation among China, Russia and the Global South."""
