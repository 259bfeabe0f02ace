from gdc.cli import main

main()
