"""A small pet-store Lambda function, written both ways API Gateway can call it.

proxy: for an AWS_PROXY integration; gets the whole request as the event and answers with
statusCode, headers and body.
lookup: for an AWS (non-proxy) integration; gets what the request template made of the
request, returns the pet, and raises for an unknown one, so that a selection pattern can
turn the error into a 404.
"""

import json

PETS = {"7": {"id": 7, "name": "Rex", "species": "dog"}, "8": {"id": 8, "name": "Tom", "species": "cat"}}


def proxy(event, context):
    pet_id = (event.get("pathParameters") or {}).get("petId")
    print(f"looking up pet {pet_id}")
    pet = PETS.get(pet_id)
    if pet is None:
        body = json.dumps({"message": "no such pet"})
        return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "body": body}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(pet)}


def lookup(event, context):
    pet_id = str(event["petId"])
    print(f"looking up pet {pet_id}")
    if pet_id not in PETS:
        raise LookupError(f"Not found: pet {pet_id}")
    return PETS[pet_id]
