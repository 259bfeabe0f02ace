from gdc.cli.main import main

main()
