# helpline — developer commands. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := models/nlu
NLU_DATA := $(shell find nlu/data -name '*.yml' 2>/dev/null)

.PHONY: install test lint demo nlu-shell model nlu-report bench clean i18n

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/pybabel compile --domain bot --directory locales
	touch $(STAMP)

# Catalogs: extract the marked texts, merge them into every locale's .po, compile.
i18n: $(STAMP)
	$(BIN)/pybabel extract --mapping babel.cfg --keyword N_ --no-default-keywords \
		--add-comments TRANSLATORS: --project helpline --omit-header --output locales/bot.pot .
	$(BIN)/pybabel update --domain bot --input-file locales/bot.pot --output-dir locales
	$(BIN)/pybabel compile --domain bot --directory locales --statistics

# The trained NLU model is build output: retrained when the data or the code changes.
model: $(MODEL)/manifest.json

$(MODEL)/manifest.json: $(STAMP) $(NLU_DATA) $(wildcard nlu/*.py)
	$(BIN)/python -m nlu train --out $(MODEL)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	$(BIN)/python -m pytest

# The whole helpline on embedded defaults (SQLite + embedded Redis, no token needed):
# migrations, flows, the NLU model, the web app on :8000 and the terminal chat.
demo: model
	NLU_MODEL_DIR=$(MODEL) $(BIN)/helpline demo

nlu-shell: model
	$(BIN)/python -m nlu shell --model $(MODEL)

# Held-out evaluation (80/20 per language) published in nlu/README.md.
nlu-report: $(STAMP)
	$(BIN)/python -m nlu test --nlu nlu/data/nlu --risk nlu/data/risk --holdout 0.2 --out reports/nlu

bench: model
	$(BIN)/python benchmarks/nlu_bench.py --model $(MODEL)
	NLU_MODEL_DIR=$(MODEL) $(BIN)/python benchmarks/turn_bench.py

clean:
	rm -rf $(VENV) models reports var .pytest_cache .ruff_cache
