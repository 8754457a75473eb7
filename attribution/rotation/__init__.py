"""The rotation (轮序, DOMAIN.md §5): who receives the next walk-in, the day's queue, the
receptions that must be followed by a registration, and the fairness report.

``access`` says who runs the rotation and who works the desk; ``queue`` reads the day's queue
(and locks it); ``roster`` sets the day's order and the consultants' states; ``receptions``
receives walk-ins and links them to their registrations; ``fairness`` reports each day's
receptions per consultant. ``apis`` and ``views`` serve them over HTTP and as pages.
"""
