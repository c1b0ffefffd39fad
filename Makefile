# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCALES := bot/locales
PO     := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: run chat test test-postgres lint catalogs extract-messages migrate content-check clean bench

run: $(STAMP) $(MO)
	$(PY) -m bot run

chat: $(STAMP) $(MO)
	$(PY) -m bot chat

test: $(STAMP) $(MO) lint content-check
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check bot tests migrations bench

content-check: $(STAMP) $(MO)
	$(PY) -m bot content check

migrate: $(STAMP)
	$(PY) -m bot migrate

catalogs: $(MO)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# For translators: collect new UI strings from the code and add them to both catalogs.
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-wrap --no-location --sort-output -o $(LOCALES)/messages.pot bot
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-wrap --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) $(LOCALES)/*/LC_MESSAGES/*.mo

# The tests about storage again, on PostgreSQL (TEST_POSTGRES_URL; .ci/postgres.sh starts one).
DATABASE_TESTS := tests/test_storage.py tests/test_consent.py tests/test_hearings_flow.py \
	tests/test_reminder_delivery.py tests/test_schedule_import.py tests/test_privacy.py \
	tests/test_staff_console.py tests/test_whatsapp.py tests/test_bad_input_and_faults.py \
	tests/test_relatives.py tests/test_relatives_whatsapp.py tests/test_places_shared.py \
	tests/test_sms.py tests/test_sms_chat.py tests/test_sms_console.py tests/test_sms_relatives.py
test-postgres: $(STAMP) $(MO)
	TEST_DATABASE=postgres $(PY) -m pytest -p no:cacheprovider $(DATABASE_TESTS)

# The benchmarks (README "Performance"); with TEST_POSTGRES_URL also on PostgreSQL and two
# instances. They print their numbers; nothing is compared to a threshold.
bench: $(STAMP) $(MO)
	$(PY) -m bench.throughput
	$(PY) -m bench.startup
	$(PY) -m bench.memory
	$(PY) -m bench.reminders
	if [ -n "$$TEST_POSTGRES_URL" ]; then $(PY) -m bench.reminders_scaled; fi
