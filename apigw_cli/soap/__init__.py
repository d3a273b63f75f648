"""XML and SOAP: the only part of apigw that uses lxml."""
