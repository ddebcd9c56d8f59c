"""Sentences and tokens of feed text in every script the feeds carry.

One segmenter for the whole project: the classifier embeds the sentences it finds here,
and the digest quotes them, so a sentence the edition prints is the very one the
classifier read as a label's evidence.
"""
