# The two commands of the README. Everything else lives in setup/.
.PHONY: run test

run:
	python3 setup/dev.py run

test:
	python3 setup/dev.py test
