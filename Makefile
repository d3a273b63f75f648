# apigw developer commands. `make demo` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install lint typecheck test cov docs-check demo bench smoke oracle fuzz all clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check apigw_cli tests bench
	$(BIN)/ruff format --check apigw_cli tests bench

typecheck: install
	$(BIN)/mypy --strict apigw_cli

test: lint typecheck
	$(BIN)/pytest -q
	$(BIN)/apigw test templates samples
	$(BIN)/apigw lint --strict templates samples/api
	$(BIN)/apigw check --strict samples/api/openapi.yaml

cov: install
	$(BIN)/python -m pip install --quiet coverage
	$(BIN)/coverage run -m pytest -q && $(BIN)/coverage report --skip-covered

docs-check: install
	$(BIN)/pytest -q tests/test_docs.py

demo: install
	@echo '$$ apigw render templates/create-pet.vtl --request samples/create-pet.json --deterministic'
	@$(BIN)/apigw render templates/create-pet.vtl --request samples/create-pet.json --deterministic
	@echo
	@echo '$$ apigw render templates/error-mapping.vtl --response samples/backend-404.json --request samples/create-pet.json --json --deterministic'
	@$(BIN)/apigw render templates/error-mapping.vtl --response samples/backend-404.json --request samples/create-pet.json --json --deterministic
	@echo
	@echo '$$ apigw test templates'
	@$(BIN)/apigw test templates
	@echo
	@echo '$$ apigw invoke --integration samples/integrations/lambda-pets.yaml --handler samples/handlers/pets.py:lookup --request samples/get-pet.json -p petId=9 --trace'
	@$(BIN)/apigw invoke --integration samples/integrations/lambda-pets.yaml --handler samples/handlers/pets.py:lookup --request samples/get-pet.json -p petId=9 --trace
	@echo
	@echo '$$ apigw routes samples/api/template.yaml'
	@$(BIN)/apigw routes samples/api/template.yaml
	@echo
	@echo '$$ apigw invoke samples/api/template.yaml GET /pets/7'
	@$(BIN)/apigw invoke samples/api/template.yaml GET /pets/7
	@echo

# Fuzz longer than make test does: many more hypothesis examples, then FUZZ_SECONDS of
# coverage-guided atheris per target; what breaks a reader lands in tests/fuzz/regressions/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := template jsonpath request_file xml case_file definition
fuzz: install
	$(BIN)/python -m pip install --quiet 'atheris>=2.3'
	APIGW_FUZZ_EXAMPLES=5000 APIGW_FUZZ_SAVE=1 $(BIN)/pytest -q tests/fuzz
	for target in $(FUZZ_TARGETS); do $(BIN)/python tests/fuzz/run_atheris.py $$target $(FUZZ_SECONDS) || exit 1; done

# Check the tests' Velocity expectations against real Velocity 1.7 (needs Java; see ../shared/oracle).
oracle: install
	APIGW_ORACLE=1 $(BIN)/pytest -q tests/test_oracle.py

bench: install
	$(BIN)/python bench/run.py

smoke: install
	rm -rf build/smoke && $(BIN)/python -m pip wheel --quiet --no-deps -w build/smoke .
	$(PYTHON) -m venv build/smoke/venv
	build/smoke/venv/bin/python -m pip install --quiet build/smoke/*.whl
	build/smoke/venv/bin/apigw --version
	build/smoke/venv/bin/apigw templates show sqs-sendmessage
	build/smoke/venv/bin/apigw render templates/create-pet.vtl --request samples/create-pet.json --deterministic
	build/smoke/venv/bin/apigw invoke --type aws_proxy --handler samples/handlers/pets.py:proxy -p petId=7

all: test smoke

clean:
	rm -rf $(VENV) build dist *.egg-info
