"""apigw: a workbench for Amazon API Gateway REST integrations.

The library knows nothing of the terminal; ``apigw_cli.cli`` is the thin command layer.
"""

__version__ = "0.1.0"
