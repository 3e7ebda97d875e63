from paperbib.cli import run

run()
