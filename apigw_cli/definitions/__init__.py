"""Integration definitions and the choices API Gateway makes from them."""
