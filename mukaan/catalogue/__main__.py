from mukaan.catalogue.cli import main

main()
