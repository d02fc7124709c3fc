"""Where things are: rooms' floor plans, their pictures checked on upload (``floor_plans``,
``svg_check``) and the boards placed on them."""
