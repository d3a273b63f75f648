"""``python -m apigw_cli``: the same as the ``apigw`` command."""

from apigw_cli.cli import main

main()
