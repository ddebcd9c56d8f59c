"""The reading room: a local web view where an analyst reads, searches and teaches.

`spacebrief web` serves server-rendered pages (Starlette + Jinja2, no JavaScript) over
the warehouse: the editions archive, the items with filters, search in the watch-rule
grammar, one item whole, and a page per actor. Every query is a `warehouse.room*`
function (only `warehouse/` writes SQL); every page opens its own short read-only
connection, so the pipeline's writers are never held off for long. With a feedback
token set, an analyst who signs in can mark items and alerts (the Slack buttons' four
actions, written to the same tables, once per click) and save a search as a watch rule.
"""
