"""Linting mapping templates (``apigw lint``) and auditing whole API definitions (``apigw check``)."""
