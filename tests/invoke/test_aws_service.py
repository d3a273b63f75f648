"""AWS service integrations against a real local endpoint: moto's server mode on 127.0.0.1,
checked with boto3 against the same server. The starter templates run end to end."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apigw_cli.errors import DefinitionError, ExitStatus, UsageError
from apigw_cli.integrations import aws_service
from apigw_cli.integrations.aws_service import AwsEndpoint, ServiceUri
from apigw_cli.vtl.context import Identity
from tests.aws import ACCOUNT, CREDENTIALS, client, isolated_environment, serve_moto
from tests.helpers import ROOT
from tests.invoke.conftest import Simulate

REQUEST_ID = Identity.deterministic().request_id
ROLE = f"arn:aws:iam::{ACCOUNT}:role/apigw-service"


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with serve_moto() as url:
        yield url


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The tests' own credentials through the standard chain, read afresh by each test."""
    for name, value in isolated_environment(tmp_path, **CREDENTIALS).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    aws_service.credentials.cache_clear()
    yield
    aws_service.credentials.cache_clear()


def starter(name: str) -> str:
    return (ROOT / "templates" / name).read_text(encoding="utf-8")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def aws(uri: str, *, method: str = "POST", **fields: Any) -> dict[str, Any]:
    return {"type": "aws", "httpMethod": method, "uri": f"arn:aws:apigateway:us-east-1:{uri}", **fields}


def json_template(text: str) -> dict[str, str]:
    return {"application/json": text}


# -- DynamoDB: JSON 1.0 actions --------------------------------------------------------------


def pets_table(moto: str) -> str:
    table = unique("Pets")
    client("dynamodb", moto).create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "species", "AttributeType": "S"},
            {"AttributeName": "createdAt", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "species-createdAt-index",
                "KeySchema": [
                    {"AttributeName": "species", "KeyType": "HASH"},
                    {"AttributeName": "createdAt", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return table


PUT_PET = aws(
    "dynamodb:action/PutItem",
    credentials=ROLE,
    requestTemplates=json_template(starter("dynamodb-putitem.vtl")),
    responses={
        "default": {"statusCode": "201", "responseTemplates": json_template('{"id": "$context.requestId"}')},
        "4\\d{2}": {"statusCode": "409", "responseTemplates": json_template("{\"message\": $input.json('$.message')}")},
    },
)
QUERY_PETS = aws(
    "dynamodb:action/Query",
    requestTemplates=json_template(starter("dynamodb-query.vtl")),
    responses={
        "default": {"statusCode": "200", "responseTemplates": json_template(starter("dynamodb-query-response.vtl"))}
    },
)


def test_dynamodb_put_item_then_query_through_two_integrations(moto: str, simulate: Simulate) -> None:
    table = pets_table(moto)
    request = json.loads((ROOT / "samples" / "create-pet.json").read_text())
    request["stageVariables"]["petsTable"] = table

    put = simulate(PUT_PET, request, aws_endpoint=AwsEndpoint(moto))
    assert (put.response.status, json.loads(put.response.body)) == (201, {"id": REQUEST_ID})
    stored = client("dynamodb", moto).get_item(TableName=table, Key={"id": {"S": REQUEST_ID}})["Item"]
    assert stored["name"] == {"S": "Rex O'Malley"}
    assert stored["tags"] == {"SS": ["boy", "good"]} or set(stored["tags"]["SS"]) == {"good", "boy"}

    # The same request id again: the template's condition fails, DynamoDB answers 400 and the
    # integration response is selected by that status (spec §4).
    again = simulate(PUT_PET, request, aws_endpoint=AwsEndpoint(moto))
    assert (again.response.status, json.loads(again.response.body)) == (
        409,
        {"message": "The conditional request failed"},
    )

    query = {"method": "GET", "query": {"species": "Dog"}, "stageVariables": {"petsTable": table}}
    found = simulate(QUERY_PETS, query, aws_endpoint=AwsEndpoint(moto))
    assert json.loads(found.response.body) == {
        "pets": [{"id": REQUEST_ID, "name": "Rex O'Malley", "age": 3, "species": "Dog"}],
        "count": 1,
    }


def test_the_trace_shows_what_aws_sends_and_where_apigw_sent_it(moto: str, simulate: Simulate) -> None:
    table = pets_table(moto)
    result = simulate(PUT_PET, {"method": "POST", "stageVariables": {"petsTable": table}, "json": {"name": "Bella", "species": "cat"}},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    log = "\n".join(result.log)
    assert f"AWS service integration: POST dynamodb action PutItem in us-east-1, execution role {ROLE}; " in log
    assert "signed with SigV4 by access key ...ting" in log
    assert "Endpoint request URI: https://dynamodb.us-east-1.amazonaws.com/?Action=PutItem\n" in log
    headers = next(line for line in result.log if "Endpoint request headers:" in line)
    assert "X-Amz-Target=DynamoDB_20120810.PutItem" in headers
    assert "Content-Type=application/x-amz-json-1.0" in headers
    assert "X-Amz-Date=" in headers and "Authorization=****" in headers and "testing" not in headers
    assert f"Sending request to {moto}/?Action=PutItem (--aws-endpoint)" in log
    assert "Received response. Status: 200" in log


def test_a_mapped_content_type_and_target_win_over_the_protocol_s(moto: str, simulate: Simulate) -> None:
    integration = aws(
        "dynamodb:action/ListTables",
        requestParameters={
            "integration.request.header.Content-Type": "'application/x-amz-json-1.0'",
            "integration.request.header.X-Amz-Target": "'DynamoDB_20120810.ListTables'",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}},
    )
    result = simulate(integration, {"method": "POST", "body": "{}"}, aws_endpoint=AwsEndpoint(moto))
    assert result.response.status == 200 and "TableNames" in json.loads(result.response.body)
    headers = next(line for line in result.log if "Endpoint request headers:" in line)
    assert headers.count("X-Amz-Target=") == 1 and headers.count("Content-Type=") == 1


# -- SQS: the query protocol (path and action forms) and JSON -------------------------------


def queue(moto: str) -> tuple[str, str]:
    name = unique("telemetry")
    return name, client("sqs", moto).create_queue(QueueName=name)["QueueUrl"]


def received(moto: str, queue_url: str) -> list[dict[str, Any]]:
    answer = client("sqs", moto).receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
    )
    messages: list[dict[str, Any]] = answer.get("Messages", [])
    return messages


def test_sqs_send_message_with_the_starter_template_then_receive_it(moto: str, simulate: Simulate) -> None:
    name, queue_url = queue(moto)
    integration = aws(
        f"sqs:path/{ACCOUNT}/{name}",
        requestParameters={"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
        requestTemplates=json_template(starter("sqs-sendmessage.vtl")),
        responses={"default": {"statusCode": "202", "responseTemplates": json_template("$input.body")}},
    )
    request = json.loads((ROOT / "samples" / "telemetry.json").read_text())
    result = simulate(integration, request, aws_endpoint=AwsEndpoint(moto))
    assert result.response.status == 202
    assert "<SendMessageResponse" in result.response.body  # the query protocol answers in XML
    (message,) = received(moto, queue_url)
    assert message["Body"] == request["body"]
    assert message["MessageAttributes"]["requestId"]["StringValue"] == REQUEST_ID


def test_sqs_action_form_takes_its_parameters_from_the_query_string(moto: str, simulate: Simulate) -> None:
    _, queue_url = queue(moto)
    integration = aws(
        "sqs:action/SendMessage",
        # Without a form Content-Type the body would be read as JSON (SQS's other protocol).
        requestParameters={
            "integration.request.querystring.QueueUrl": "stageVariables.queue",
            "integration.request.querystring.MessageBody": "method.request.body",
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}},
    )
    result = simulate(integration, {"method": "POST", "stageVariables": {"queue": queue_url}, "body": "a & b"},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert result.response.status == 200
    uri = next(line for line in result.log if "Endpoint request URI:" in line)
    assert uri.endswith("Endpoint request URI: https://sqs.us-east-1.amazonaws.com/?Action=SendMessage&QueueUrl="
                        + queue_url.replace(":", "%3A").replace("/", "%2F") + "&MessageBody=a%20%26%20b")  # fmt: skip
    assert [message["Body"] for message in received(moto, queue_url)] == ["a & b"]


def test_sqs_json_protocol_through_mapped_headers(moto: str, simulate: Simulate) -> None:
    _, queue_url = queue(moto)
    integration = aws(
        f"sqs:path/{ACCOUNT}/any",
        requestParameters={
            "integration.request.header.Content-Type": "'application/x-amz-json-1.0'",
            "integration.request.header.X-Amz-Target": "'AmazonSQS.SendMessage'",
        },  # fmt: skip
        requestTemplates=json_template(
            '{"QueueUrl": "$stageVariables.queue", "MessageBody": "$util.escapeJavaScript($input.body)"}'
        ),
        responses={"default": {"statusCode": "200", "responseTemplates": json_template("$input.path('$.MessageId')")}},
    )
    result = simulate(integration, {"method": "POST", "stageVariables": {"queue": queue_url}, "body": "hello"},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    (message,) = received(moto, queue_url)
    assert (message["Body"], result.response.body) == ("hello", message["MessageId"])


# -- S3 (path form), Kinesis, Step Functions, SNS ---------------------------------------------


def test_s3_put_object_with_the_starter_template_then_get_it_back(moto: str, simulate: Simulate) -> None:
    bucket = unique("pets-uploads")
    client("s3", moto).create_bucket(Bucket=bucket)
    put = aws(
        "s3:path/{bucket}/{key}",
        method="PUT",
        requestTemplates={"text/csv": starter("s3-put-object.vtl")},
        responses={"default": {"statusCode": "200"}},
    )
    request = json.loads((ROOT / "samples" / "upload.json").read_text())
    request["stageVariables"]["bucket"] = bucket
    request["pathParameters"]["name"] = "report 1.csv"
    result = simulate(put, request, aws_endpoint=AwsEndpoint(moto))
    assert result.response.status == 200, result.response.body
    stored = client("s3", moto).get_object(Bucket=bucket, Key="uploads/report 1.csv")
    assert stored["Body"].read() == b"id,name\n7,Rex\n"
    assert (stored["ContentType"], stored["Metadata"]) == ("text/csv", {"request-id": REQUEST_ID})
    assert any(
        line.endswith(f"https://s3.us-east-1.amazonaws.com/{bucket}/uploads/report%201.csv") for line in result.log
    )

    get = aws(
        "s3:path/{bucket}/{key}",
        method="GET",
        requestParameters={
            "integration.request.path.bucket": "stageVariables.bucket",
            "integration.request.path.key": "method.request.path.key",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}, "404": {"statusCode": "404"}},
    )
    fetched = simulate(get, {"method": "GET", "pathParameters": {"key": "uploads/report 1.csv"},
                             "stageVariables": {"bucket": bucket}}, aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert (fetched.response.status, fetched.response.body) == (200, "id,name\n7,Rex\n")
    missing = simulate(get, {"method": "GET", "pathParameters": {"key": "nothing"}, "stageVariables": {"bucket": bucket}},
                       aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert missing.response.status == 404 and "NoSuchKey" in missing.response.body


def test_a_bucket_in_the_host_name_is_sent_path_style_to_the_endpoint(moto: str, simulate: Simulate) -> None:
    bucket = unique("hosted")
    s3 = client("s3", moto)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"from the bucket")
    result = simulate(aws(f"{bucket}.s3:path/a.txt", method="GET", responses={"default": {"statusCode": "200"}}),
                      {"method": "GET"}, aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert result.response.body == "from the bucket"
    log = "\n".join(result.log)
    assert f"Endpoint request URI: https://{bucket}.s3.us-east-1.amazonaws.com/a.txt" in log
    assert f"Sending request to {moto}/{bucket}/a.txt" in log


def test_kinesis_put_record_with_the_starter_template(moto: str, simulate: Simulate) -> None:
    stream = unique("telemetry")
    kinesis = client("kinesis", moto)
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    integration = aws(
        "kinesis:action/PutRecord",
        requestTemplates=json_template(starter("kinesis-putrecord.vtl")),
        responses={"default": {"statusCode": "200", "responseTemplates": json_template("$input.path('$.ShardId')")}},
    )
    request = json.loads((ROOT / "samples" / "telemetry.json").read_text())
    request["stageVariables"]["stream"] = stream
    result = simulate(integration, request, aws_endpoint=AwsEndpoint(moto))
    assert result.response.body == "shardId-000000000000"
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    (record,) = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert (record["Data"].decode(), record["PartitionKey"]) == (request["body"], "sensor-42")
    assert "X-Amz-Target=Kinesis_20131202.PutRecord" in "\n".join(result.log)


def test_step_functions_start_execution(moto: str, simulate: Simulate) -> None:
    states = client("stepfunctions", moto)
    machine = states.create_state_machine(
        name=unique("orders"),
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}),
        roleArn=ROLE,
    )["stateMachineArn"]
    integration = aws(
        "states:action/StartExecution",
        requestTemplates=json_template(
            '{"stateMachineArn": "$stageVariables.machine", "input": "$util.escapeJavaScript($input.body)"}'
        ),
        responses={
            "default": {"statusCode": "202", "responseTemplates": json_template("$input.path('$.executionArn')")}
        },
    )
    result = simulate(integration, {"method": "POST", "stageVariables": {"machine": machine}, "json": {"order": 7}},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert result.response.status == 202
    execution = states.describe_execution(executionArn=result.response.body)
    assert json.loads(execution["input"]) == {"order": 7}


def test_sns_publish_reaches_a_subscribed_queue(moto: str, simulate: Simulate) -> None:
    topic = client("sns", moto).create_topic(Name=unique("events"))["TopicArn"]
    name, queue_url = queue(moto)
    client("sns", moto).subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}",
        Attributes={"RawMessageDelivery": "true"},
    )  # fmt: skip
    integration = aws(
        "sns:action/Publish",
        requestParameters={
            "integration.request.querystring.TopicArn": "stageVariables.topic",
            "integration.request.querystring.Message": "method.request.body",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}},
    )
    result = simulate(integration, {"method": "POST", "stageVariables": {"topic": topic}, "body": "pet adopted"},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert result.response.status == 200 and "<PublishResponse" in result.response.body
    assert [message["Body"] for message in received(moto, queue_url)] == ["pet adopted"]


# -- signatures, endpoints and credentials ---------------------------------------------------


def test_signatures_pass_a_server_that_checks_them(
    monkeypatch: pytest.MonkeyPatch, simulate: Simulate, checking_moto: tuple[str, dict[str, str]]
) -> None:
    url, keys = checking_moto
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AWS_ACCESS_KEY_ID"])
    put = aws("s3:path/checked-uploads/{key}", method="PUT",
              requestParameters={"integration.request.path.key": "method.request.path.key"},
              responses={"default": {"statusCode": "200"}, "403": {"statusCode": "403"}})  # fmt: skip
    request = {"method": "PUT", "pathParameters": {"key": "a b/ü.txt"}, "query": {"x": "1 2"}, "body": "signed"}
    listing = aws(
        "dynamodb:action/ListTables", responses={"default": {"statusCode": "200"}, "403": {"statusCode": "403"}}
    )
    for secret, status in ((keys["AWS_SECRET_ACCESS_KEY"], 200), ("not-the-secret", 403)):
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
        aws_service.credentials.cache_clear()
        assert simulate(put, request, aws_endpoint=AwsEndpoint(url)).response.status == status
        assert (
            simulate(listing, {"method": "POST", "body": "{}"}, aws_endpoint=AwsEndpoint(url)).response.status == status
        )


def test_without_an_endpoint_nothing_is_called(simulate: Simulate) -> None:
    with pytest.raises(UsageError) as raised:
        simulate(PUT_PET, {"method": "POST", "json": {}})
    assert "dynamodb action PutItem in us-east-1" in raised.value.message
    assert raised.value.hint is not None and "--aws-endpoint URL (or AWS_ENDPOINT_URL)" in raised.value.hint


def test_without_credentials_the_error_says_how_to_give_them(
    monkeypatch: pytest.MonkeyPatch, moto: str, simulate: Simulate
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(UsageError, match="no AWS credentials") as raised:
        simulate(PUT_PET, {"method": "POST", "json": {}}, aws_endpoint=AwsEndpoint(moto))
    assert raised.value.hint is not None and "AWS_ACCESS_KEY_ID" in raised.value.hint


def test_a_profile_that_does_not_exist_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, moto: str, simulate: Simulate
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nobody")
    with pytest.raises(UsageError, match="AWS credentials: The config profile \\(nobody\\) could not be found"):
        simulate(PUT_PET, {"method": "POST", "json": {}}, aws_endpoint=AwsEndpoint(moto))


def test_an_unreachable_endpoint_is_aws_s_configuration_error(closed_port: int, simulate: Simulate) -> None:
    result = simulate(
        PUT_PET, {"method": "POST", "json": {}}, aws_endpoint=AwsEndpoint(f"http://127.0.0.1:{closed_port}")
    )
    assert result.response.status == 500
    assert result.failure == f"127.0.0.1:{closed_port}: connection refused"


def test_the_canned_answer_still_stands_in_without_credentials(
    monkeypatch: pytest.MonkeyPatch, simulate: Simulate
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    result = simulate(QUERY_PETS, {"method": "GET"}, backend={"status": 200, "json": {"Count": 0, "Items": []}})
    assert json.loads(result.response.body) == {"pets": [], "count": 0}


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("arn:aws:apigateway:eu-west-1:dynamodb:action/Query",
         ("eu-west-1", "dynamodb", None, "https://dynamodb.eu-west-1.amazonaws.com/?Action=Query")),
        ("arn:aws:apigateway:us-east-1:s3:action/GetObject&Bucket={bucket}&Key={key}",
         ("us-east-1", "s3", None, "https://s3.us-east-1.amazonaws.com/?Action=GetObject&Bucket={bucket}&Key={key}")),
        ("arn:aws:apigateway:us-east-1:my.bucket.s3:path/{key}",
         ("us-east-1", "s3", "my.bucket", "https://my.bucket.s3.us-east-1.amazonaws.com/{key}")),
        ("arn:aws-cn:apigateway:cn-north-1:sqs:path/1/q",
         ("cn-north-1", "sqs", None, "https://sqs.cn-north-1.amazonaws.com.cn/1/q")),
    ],
)  # fmt: skip
def test_service_uris_are_taken_apart(uri: str, expected: tuple[str, str, str | None, str]) -> None:
    service = ServiceUri.parse(uri, "test")
    assert (service.region, service.service, service.subdomain, service.url()) == expected


@pytest.mark.parametrize("uri", ["arn:aws:apigateway:us-east-1:dynamodb:PutItem", "https://example.com", ""])
def test_a_uri_that_is_not_a_service_uri_is_a_definition_error(uri: str) -> None:
    with pytest.raises(DefinitionError, match="is not an AWS service URI"):
        ServiceUri.parse(uri, "test")


def test_binary_bodies_reach_s3_as_bytes(moto: str, simulate: Simulate) -> None:
    bucket = unique("binary")
    client("s3", moto).create_bucket(Bucket=bucket)
    raw = bytes(range(256))
    put = aws(f"s3:path/{bucket}/blob", method="PUT", responses={"default": {"statusCode": "200"}})
    request = {"method": "PUT", "headers": {"Content-Type": "image/png"}, "isBase64Encoded": True,
               "body": base64.b64encode(raw).decode()}  # fmt: skip
    result = simulate(put, request, aws_endpoint=AwsEndpoint(moto), binary_media_types=("image/png",))
    assert result.response.status == 200
    assert client("s3", moto).get_object(Bucket=bucket, Key="blob")["Body"].read() == raw


# -- the command line: apigw invoke and apigw test --------------------------------------------


def apigw(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real command in its own process, with the tests' credentials and nothing else of AWS's."""
    own = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-m", "apigw_cli", *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
        env={**own, **(env or {})}, check=False,
    )  # fmt: skip


def cli_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return isolated_environment(tmp_path, **CREDENTIALS, **extra)


LIST_TABLES = ["invoke", "--type", "aws", "--uri", "arn:aws:apigateway:us-east-1:dynamodb:action/ListTables",
               "--input", "-", "-H", "Content-Type: application/json"]  # fmt: skip


def test_invoke_without_an_endpoint_stops_with_one_line_naming_the_option(tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, env=cli_environment(tmp_path), stdin="{}")
    assert completed.returncode == ExitStatus.USAGE
    assert completed.stdout == ""
    assert completed.stderr == (
        "apigw: error: the command line: the integration calls AWS dynamodb action ListTables in us-east-1; apigw "
        "calls only an endpoint you name, never AWS by itself\n"
        "hint: --aws-endpoint URL (or AWS_ENDPOINT_URL) for a local endpoint such as moto_server or LocalStack; "
        "--backend-response FILE (response: in a case) for a stand-in answer\n"
    )


def test_invoke_takes_the_endpoint_from_aws_endpoint_url(moto: str, tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, "--trace", env=cli_environment(tmp_path, AWS_ENDPOINT_URL=moto), stdin="{}")
    assert completed.returncode == 0, completed.stderr
    assert '"TableNames"' in completed.stdout
    assert f"Sending request to {moto}/?Action=ListTables (--aws-endpoint)" in completed.stderr


@pytest.mark.parametrize(
    "endpoint", ["ftp://127.0.0.1:5000", "127.0.0.1:5000", "http://127.0.0.1:port", "http://h/?x=1"]
)
def test_an_endpoint_that_is_not_an_http_url_is_refused(endpoint: str, tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, "--aws-endpoint", endpoint, env=cli_environment(tmp_path), stdin="{}")
    assert completed.returncode == ExitStatus.USAGE
    assert completed.stderr.startswith(f"apigw: error: --aws-endpoint {endpoint!r}: ")
    assert len(completed.stderr.splitlines()) == 1


def test_invoke_without_credentials_exits_2_with_a_hint(moto: str, tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, "--aws-endpoint", moto, env=isolated_environment(tmp_path), stdin="{}")
    assert completed.returncode == ExitStatus.USAGE
    assert completed.stderr.splitlines() == [
        "apigw: error: no AWS credentials to sign the request with",
        "hint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values for a local endpoint) or AWS_PROFILE",
    ]


def test_invoke_of_an_unreachable_endpoint_exits_6(closed_port: int, tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, "--aws-endpoint", f"http://127.0.0.1:{closed_port}",
                      env=cli_environment(tmp_path), stdin="{}")  # fmt: skip
    assert completed.returncode == ExitStatus.INTEGRATION
    assert completed.stdout.startswith("HTTP/1.1 500 Internal Server Error\n")
    assert completed.stderr == f"apigw: error: 127.0.0.1:{closed_port}: connection refused (AWS answers 500)\n"


CASES = """\
- id: put-a-pet
  kind: invoke
  integration:
    type: aws
    httpMethod: POST
    uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
    requestTemplates:
      application/json: '{"TableName": "$stageVariables.table", "Item": {"id": {"S": "$input.path(''$.id'')"}}}'
    responses:
      default: {statusCode: "201", responseTemplates: {application/json: '{"stored": "$context.requestId"}'}}
      "4\\\\d{2}": {statusCode: "400", responseTemplates: {application/json: "$input.path('$.__type')"}}
  request: {method: POST, stageVariables: {table: TABLE}, json: {id: p-1}}
  expect: {status: 201, json: {stored: c0ffee00-1234-4abc-8def-0123456789ab}}
- id: put-into-a-missing-table
  kind: invoke
  integration:
    type: aws
    httpMethod: POST
    uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
    responses:
      default: {statusCode: "201"}
      "4\\\\d{2}": {statusCode: "400", responseTemplates: {application/json: "$input.path('$.__type')"}}
  request: {method: POST, json: {TableName: nowhere, Item: {id: {S: x}}}}
  expect: {status: 400, body: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}
"""


def test_apigw_test_runs_service_cases_against_the_endpoint(moto: str, tmp_path: Path) -> None:
    table = pets_table(moto)
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "dynamodb.yaml").write_text(CASES.replace("TABLE", table), encoding="utf-8")
    completed = apigw("test", str(cases), "--aws-endpoint", moto, env=cli_environment(tmp_path))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip().endswith("2 passed, 0 failed, 0 skipped")
    assert client("dynamodb", moto).get_item(TableName=table, Key={"id": {"S": "p-1"}})["Item"] == {"id": {"S": "p-1"}}

    without = apigw("test", str(cases), env=cli_environment(tmp_path))
    assert without.returncode == ExitStatus.DIFFERENT
    assert "--aws-endpoint URL (or AWS_ENDPOINT_URL)" in without.stdout


# -- what a review found: signing what is sent, encoding, endpoints, credentials -------------


@pytest.fixture(scope="module")
def checking_moto() -> Iterator[tuple[str, dict[str, str]]]:
    """A moto server that checks signatures, and the keys of a user it knows."""
    with serve_moto(INITIAL_NO_AUTH_ACTION_COUNT="5") as url:
        iam = client("iam", url)
        iam.create_user(UserName="apigw")
        key = iam.create_access_key(UserName="apigw")["AccessKey"]
        everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName="apigw", PolicyName="all", PolicyDocument=json.dumps(everything))
        client("s3", url).create_bucket(Bucket="checked-uploads")
        client("sqs", url).create_queue(QueueName="checked")
        yield url, {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def checked_client(service: str, server: tuple[str, dict[str, str]]) -> Any:
    url, keys = server
    return client(service, url, aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                  aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"])  # fmt: skip


@pytest.fixture
def signed_as_user(monkeypatch: pytest.MonkeyPatch, checking_moto: tuple[str, dict[str, str]]) -> str:
    for name, value in checking_moto[1].items():
        monkeypatch.setenv(name, value)
    return checking_moto[0]


def test_stage_variables_in_a_path_are_signed_as_sent(
    signed_as_user: str, checking_moto: tuple[str, dict[str, str]], simulate: Simulate
) -> None:
    put = aws("s3:path/checked-uploads/${stageVariables.name}", method="PUT",
              responses={"default": {"statusCode": "200"}, "403": {"statusCode": "403"}})  # fmt: skip
    request = {"method": "PUT", "stageVariables": {"name": "a b ü(1).txt"}, "body": "spaced"}
    result = simulate(put, request, aws_endpoint=AwsEndpoint(signed_as_user))
    assert result.response.status == 200, result.response.body
    stored = checked_client("s3", checking_moto).get_object(Bucket="checked-uploads", Key="a b ü(1).txt")
    assert stored["Body"].read() == b"spaced"


def test_query_values_of_an_action_are_one_parameter_each(moto: str, simulate: Simulate) -> None:
    _, queue_url = queue(moto)
    integration = aws(
        "sqs:action/SendMessage&QueueUrl=${stageVariables.queue}&MessageBody={text}",
        method="GET",
        requestParameters={
            "integration.request.path.text": "method.request.querystring.text",
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}},
    )
    request = {"method": "GET", "query": {"text": "a&b=c+d é/"}, "stageVariables": {"queue": queue_url}}
    result = simulate(integration, request, aws_endpoint=AwsEndpoint(moto))
    assert result.response.status == 200, result.response.body
    assert [message["Body"] for message in received(moto, queue_url)] == ["a&b=c+d é/"]


def test_the_query_is_sent_in_sigv4_canonical_form() -> None:
    # botocore's signer canonicalises a query it is given as parameters by itself: the URL
    # apigw sends must read the same, or AWS would compute another signature.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = "https://sqs.us-east-1.amazonaws.com/?Action=SendMessage&QueueUrl=http://h:1/q&MessageBody=a%20b%2Bc%C3%A9~*'()!"
    sent = aws_service.canonical_url(url)
    parameters = {"Action": "SendMessage", "QueueUrl": "http://h:1/q", "MessageBody": "a b+cé~*'()!"}
    signer = SigV4Auth(Credentials("k", "s"), "sqs", "us-east-1")
    as_sent = signer.canonical_query_string(AWSRequest("GET", sent))
    as_parameters = signer.canonical_query_string(AWSRequest("GET", sent.partition("?")[0], params=parameters))
    assert as_sent == as_parameters


def test_mapped_signing_headers_give_way_to_the_signature(signed_as_user: str, simulate: Simulate) -> None:
    listing = aws(
        "dynamodb:action/ListTables",
        requestParameters={
            "integration.request.header.authorization": "'AWS4-HMAC-SHA256 forged'",
            "integration.request.header.X-Amz-Date": "'20000101T000000Z'",
        },  # fmt: skip
        responses={"default": {"statusCode": "200"}, "403": {"statusCode": "403"}},
    )
    result = simulate(listing, {"method": "POST", "body": "{}"}, aws_endpoint=AwsEndpoint(signed_as_user),
                      reveal_secrets=True)  # fmt: skip
    assert result.response.status == 200, result.response.body
    headers = next(line for line in result.log if "Endpoint request headers:" in line)
    assert "forged" not in headers and "20000101" not in headers
    assert headers.lower().count("authorization=") == 1


@pytest.mark.parametrize("spelling", ["http://LOCALHOST:{port}", "http://127.0.0.1:{port}/"])
def test_the_endpoint_is_signed_as_it_is_sent(spelling: str, signed_as_user: str, simulate: Simulate) -> None:
    port = signed_as_user.rpartition(":")[2]
    listing = aws(
        "dynamodb:action/ListTables", responses={"default": {"statusCode": "200"}, "403": {"statusCode": "403"}}
    )
    result = simulate(listing, {"method": "POST", "body": "{}"}, aws_endpoint=AwsEndpoint(spelling.format(port=port)))
    assert result.response.status == 200, result.response.body


def test_a_bucket_placeholder_in_the_host_name_is_filled_in(moto: str, simulate: Simulate) -> None:
    bucket = unique("placed")
    client("s3", moto).create_bucket(Bucket=bucket)
    client("s3", moto).put_object(Bucket=bucket, Key="a.txt", Body=b"found")
    get = aws("{bucket}.s3:path/{key}", method="GET",
              requestParameters={"integration.request.path.bucket": "stageVariables.bucket",
                                 "integration.request.path.key": "method.request.path.key"},
              responses={"default": {"statusCode": "200"}})  # fmt: skip
    request = {"method": "GET", "pathParameters": {"key": "a.txt"}, "stageVariables": {"bucket": bucket}}
    result = simulate(get, request, aws_endpoint=AwsEndpoint(moto))
    assert result.response.body == "found"
    assert f"Sending request to {moto}/{bucket}/a.txt (--aws-endpoint)" in result.log[-9:][0] or any(
        line.endswith(f"Sending request to {moto}/{bucket}/a.txt (--aws-endpoint)") for line in result.log
    )


def test_an_action_named_by_a_stage_variable_names_its_target_too(moto: str, simulate: Simulate) -> None:
    integration = aws("dynamodb:action/${stageVariables.action}", responses={"default": {"statusCode": "200"}})
    result = simulate(integration, {"method": "POST", "body": "{}", "stageVariables": {"action": "ListTables"}},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert "TableNames" in result.response.body
    assert "X-Amz-Target=DynamoDB_20120810.ListTables" in "\n".join(result.log)


@pytest.mark.parametrize(
    "uri",
    ["arn:aws:apigateway:us-east-1:dynamodb:action/", "arn:aws:apigateway:us-east-1:dynamodb:action/&x=1",
     "arn:aws:apigateway:us-east-1:dynamodb:action/ListTables\n", "arn:aws:apigateway:us-east-1:s3:path/a#b"],
)  # fmt: skip
def test_malformed_service_uris_are_refused(uri: str) -> None:
    with pytest.raises(DefinitionError, match="is not an AWS service URI"):
        ServiceUri.parse(uri, "test")


def test_a_service_integration_needs_its_http_method(simulate: Simulate) -> None:
    integration = aws("dynamodb:action/ListTables")
    del integration["httpMethod"]
    with pytest.raises(DefinitionError, match="needs an 'httpMethod'"):
        simulate(integration, {"method": "POST"}, aws_endpoint=AwsEndpoint("http://127.0.0.1:1"))


def test_a_header_value_http_cannot_carry_is_aws_s_configuration_error(moto: str, simulate: Simulate) -> None:
    integration = aws("dynamodb:action/ListTables",
                      requestParameters={"integration.request.header.X-Note": "method.request.header.X-In"},
                      responses={"default": {"statusCode": "200"}})  # fmt: skip
    result = simulate(integration, {"method": "POST", "headers": {"X-In": "snow ☃"}, "body": "{}"},
                      aws_endpoint=AwsEndpoint(moto))  # fmt: skip
    assert result.response.status == 500
    assert result.failure is not None and "X-Note" in result.failure


def test_a_role_profile_gets_its_credentials_from_the_endpoint(
    monkeypatch: pytest.MonkeyPatch, moto: str, simulate: Simulate, tmp_path: Path
) -> None:
    (tmp_path / "config").write_text(
        f"[profile deployer]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = base\n"
        "region = us-east-1\n"
    )
    (tmp_path / "credentials").write_text("[base]\naws_access_key_id = BASEKEY1\naws_secret_access_key = base\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "deployer")
    listing = aws("dynamodb:action/ListTables", responses={"default": {"statusCode": "200"}})
    result = simulate(listing, {"method": "POST", "body": "{}"}, aws_endpoint=AwsEndpoint(moto))
    assert "TableNames" in result.response.body
    signer = next(line for line in result.log if "signed with SigV4 by access key" in line)
    assert not signer.endswith("KEY1")  # the role's keys, from moto's STS, not the base profile's


def test_an_invalid_aws_endpoint_url_matters_only_to_service_calls(tmp_path: Path) -> None:
    environment = cli_environment(tmp_path, AWS_ENDPOINT_URL="localhost:4566")
    mock = apigw("invoke", "--type", "mock", env=environment)
    assert mock.returncode == 0, mock.stderr
    service = apigw(*LIST_TABLES, env=environment, stdin="{}")
    assert service.returncode == ExitStatus.USAGE
    assert service.stderr.startswith("apigw: error: AWS_ENDPOINT_URL 'localhost:4566': expected an http:// or")


def test_an_endpoint_with_a_password_is_refused(tmp_path: Path) -> None:
    completed = apigw(*LIST_TABLES, "--aws-endpoint", "http://user:secret@127.0.0.1:1", env=cli_environment(tmp_path),
                      stdin="{}")  # fmt: skip
    assert completed.returncode == ExitStatus.USAGE and "secret" not in completed.stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [("credential_process = /nonexistent/helper", "AWS credentials: "),
     ("credential_process = /bin/echo not-json", "AWS credentials: ")],
)  # fmt: skip
def test_a_failing_credential_provider_is_one_line(moto: str, tmp_path: Path, config: str, expected: str) -> None:
    (tmp_path / "config").write_text(f"[default]\n{config}\n")
    completed = apigw(*LIST_TABLES, "--aws-endpoint", moto, env=isolated_environment(tmp_path), stdin="{}")
    assert completed.returncode == ExitStatus.USAGE, completed.stderr
    assert completed.stderr.startswith(f"apigw: error: {expected}")
    assert "Traceback" not in completed.stderr and len(completed.stderr.splitlines()) == 1


def test_a_case_that_fails_on_the_wire_says_why(closed_port: int, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "down.yaml").write_text(CASES.replace("TABLE", "x"), encoding="utf-8")
    completed = apigw("test", str(cases), "-k", "put-a-pet", "--aws-endpoint", f"http://127.0.0.1:{closed_port}",
                      env=cli_environment(tmp_path))  # fmt: skip
    assert completed.returncode == ExitStatus.DIFFERENT
    assert f"(the backend failed: 127.0.0.1:{closed_port}: connection refused)" in completed.stdout
