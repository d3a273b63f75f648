"""CloudFormation's short-form tags and intrinsic functions (spec §10.2): worked out where the
template allows it, placeholders with a warning where only AWS knows."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cli.definitions.intrinsics import Resolver, Unresolved, cloudformation_loader
from apigw_cli.documents import parse_yaml
from apigw_cli.errors import DefinitionError


def load(text: str) -> Any:
    return parse_yaml(text, "t.yaml", loader=cloudformation_loader())[1]


def resolver(**parameters: Any) -> Resolver:
    return Resolver(
        source="t.yaml",
        parameters={"Stage": "prod", "Host": None, "Zones": ["a", "b"], **parameters},
        resources={
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"FunctionName": "pets-fn"}},
            "Named": {"Type": "AWS::Lambda::Function"},
            "Bucket": {"Type": "AWS::S3::Bucket"},
        },
        mappings={"Regions": {"us-east-1": {"Size": "small"}}},
        conditions={
            "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            "HostKnown": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Host"}, ""]}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "HostKnown"}]},
        },
    )


def test_every_short_form_tag_loads_as_its_long_form() -> None:
    data = load(
        "a: !Ref X\nb: !Sub 'x-${Y}'\nc: !GetAtt Fn.Arn\nd: !Join [',', [a, b]]\ne: !If [C, 1, 2]\n"
        "f: !Select [0, !GetAZs '']\ng: {Fn::Base64: !Sub '${X}'}\nh: !ImportValue shared\ni: !FindInMap [M, k, v]\n"
        "j: !Equals [a, b]\nk: !Condition C\nl: !Split [',', 'a,b']\nm: !Cidr [x, 2, 3]\nn: !Transform {Name: N}\n"
    )
    assert data["a"] == {"Ref": "X"} and data["c"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert data["f"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]} and data["k"] == {"Condition": "C"}
    assert data["g"] == {"Fn::Base64": {"Fn::Sub": "${X}"}} and data["n"] == {"Fn::Transform": {"Name": "N"}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Stage"}, "prod"),
        ({"Ref": "AWS::Region"}, "us-east-1"),
        ({"Ref": "Fn"}, "pets-fn"),
        ({"Ref": "Named"}, "Named"),  # no FunctionName: the logical id
        ({"Fn::GetAtt": ["Fn", "Arn"]}, "arn:aws:lambda:us-east-1:123456789012:function:pets-fn"),
        ({"Fn::Sub": "arn:${AWS::Partition}:x/${Fn.Arn}/${Stage}/${!Literal}"},
         "arn:aws:x/arn:aws:lambda:us-east-1:123456789012:function:pets-fn/prod/${Literal}"),
        ({"Fn::Sub": ["${A}-${Stage}", {"A": {"Ref": "AWS::AccountId"}}]}, "123456789012-prod"),
        ({"Fn::Join": ["/", ["a", {"Ref": "Stage"}, {"Fn::Select": [1, {"Ref": "Zones"}]}]]}, "a/prod/b"),
        ({"Fn::Select": [2, {"Fn::Split": ["/", "http://h:1/x"]}]}, "h:1"),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),
        ({"Fn::If": ["NotProd", "big", "small"]}, "small"),
        ({"Fn::If": ["Either", "yes", "no"]}, "yes"),  # decided by IsProd, whatever Host is
        ({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Size"]}, "small"),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Fn::ToJsonString": {"a": [1, {"Ref": "Stage"}]}}, '{"a":[1,"prod"]}'),
        ({"Fn::Length": {"Ref": "Zones"}}, 2),
        ({"a": {"Ref": "AWS::NoValue"}, "b": 1}, {"b": 1}),
        ([1, {"Fn::If": ["NotProd", 2, {"Ref": "AWS::NoValue"}]}], [1]),
    ],
)  # fmt: skip
def test_functions_are_worked_out_where_the_template_allows(value: Any, expected: Any) -> None:
    resolved = resolver()
    assert resolved.resolve(value, "Resources.X") == expected
    assert resolved.warnings == []


@pytest.mark.parametrize(
    ("value", "placeholder", "warning"),
    [
        ({"Fn::Sub": "http://${Host}/pets"}, "http://${Host}/pets", "parameter Host has no Default; give --param Host=VALUE"),
        ({"Fn::GetAtt": ["Bucket", "Arn"]}, "${Bucket.Arn}", "the attribute is known only to AWS"),
        ({"Ref": "Bucket"}, "${Bucket}", "the value of Bucket is known only to AWS"),
        ({"Fn::ImportValue": "shared-url"}, "${ImportValue:shared-url}", "exports of other stacks"),
        ({"Fn::If": ["HostKnown", "a", "b"]}, "${If:HostKnown}", "condition HostKnown cannot be decided"),
        ({"Fn::GetAZs": ""}, "${GetAZs}", "Fn::GetAZs is not worked out locally"),
    ],
)  # fmt: skip
def test_what_only_aws_knows_becomes_a_placeholder_with_a_warning(value: Any, placeholder: str, warning: str) -> None:
    resolved = resolver()
    result = resolved.resolve(value, "Resources.X.Properties.Uri")
    assert result == placeholder and isinstance(result, Unresolved)
    assert warning in resolved.warnings[-1] and resolved.warnings[-1].startswith("t.yaml: Resources.X.Properties.Uri")


def test_a_given_parameter_resolves_the_placeholder() -> None:
    assert (
        resolver(Host="127.0.0.1:8080").resolve({"Fn::Sub": "http://${Host}/pets"}, "x") == "http://127.0.0.1:8080/pets"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Ref": "Nope"}, "'Nope' is neither a parameter nor a resource"),
        ({"Fn::GetAtt": ["Nope", "Arn"]}, "no resource named 'Nope'"),
        ({"Fn::If": ["Missing", 1, 2]}, "no condition named 'Missing'"),
        ({"Fn::Select": [5, ["a"]]}, "index 5 is outside the list of 1"),
        ({"Fn::FindInMap": ["Regions", "eu-west-1", "Size"]}, "Mappings has no Regions.eu-west-1.Size"),
        ({"Fn::Join": ["/"]}, "expected [delimiter, [values]]"),
        ({"Fn::Sub": {"a": 1}}, "expected text, or [text, variables]"),
    ],
)
def test_a_malformed_function_is_an_error_naming_where(value: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=r"Resources\.X") as caught:
        resolver().resolve(value, "Resources.X")
    assert message in str(caught.value)


def test_values_only_aws_knows_can_be_given_by_name() -> None:
    resolved = resolver(**{"Bucket": "my-bucket", "Bucket.Arn": "arn:aws:s3:::my-bucket"})
    assert resolved.resolve({"Fn::Sub": "${Bucket}|${Bucket.Arn}"}, "x") == "my-bucket|arn:aws:s3:::my-bucket"
    assert resolved.warnings == []


def test_a_placeholder_in_a_mapping_template_warns_that_vtl_renders_it_empty() -> None:
    resolved = resolver()
    resolved.resolve({"Fn::Sub": '{"TableName": "${Bucket}"}'}, "Resources.M.Properties.Integration.RequestTemplates")
    assert resolved.warnings[0].endswith(
        "(the value of Bucket is known only to AWS; give --param Bucket=VALUE; "
        "in a mapping template VTL renders ${Bucket} as empty text)"
    )


def test_map_keys_are_text_as_cloudformation_compares_them() -> None:
    resolved = Resolver("t.yaml", {}, {}, mappings={"Accounts": {123456789012: {"Stage": "prod"}}})
    assert resolved.resolve({"Fn::FindInMap": ["Accounts", {"Ref": "AWS::AccountId"}, "Stage"]}, "x") == "prod"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Fn::GetAtt": [["a"], "Arn"]}, "expected [Resource, Attribute] as names"),
        ({"Fn::FindInMap": ["Regions", ["a"], "b"]}, "expected [map, top-level key, second-level key] as names"),
        ({"Fn::Select": [None, ["a"]]}, "index None is outside the list of 1"),
        ({"Fn::Select": [-1, ["a"]]}, "index -1 is outside the list of 1"),
        ({"Fn::Split": [",", ["a"]]}, "expected a text value, got a list"),
        ({"Fn::Sub": "${AWS::NoValue}"}, "expected a text value, got AWS::NoValue"),
    ],
)
def test_arguments_of_the_wrong_kind_are_errors_not_crashes(value: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=r"^t\.yaml: x") as caught:
        resolver().resolve(value, "x")
    assert message in str(caught.value)


def test_growth_and_nesting_are_bounded() -> None:
    doubling: Any = "ab"
    for _ in range(40):
        doubling = {"Fn::Sub": ["${a}${a}", {"a": doubling}]}
    with pytest.raises(DefinitionError, match="grows past 1,048,576 characters"):
        resolver().resolve(doubling, "x")
    nested: Any = "a"
    for _ in range(65):
        nested = {"Fn::Join": ["", [nested]]}
    with pytest.raises(DefinitionError, match="intrinsic functions nest deeper than 64 levels"):
        resolver().resolve(nested, "x")


def test_to_json_string_keeps_placeholders_marked_and_refuses_no_value() -> None:
    result = resolver().resolve({"Fn::ToJsonString": {"host": {"Ref": "Host"}}}, "x")
    assert result == '{"host":"${Host}"}' and isinstance(result, Unresolved)
    with pytest.raises(DefinitionError, match="expected a value, got AWS::NoValue"):
        resolver().resolve({"Fn::ToJsonString": {"Ref": "AWS::NoValue"}}, "x")
