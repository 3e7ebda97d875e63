from paperbib.cli import main

main()
