from mukaan_catalogue.cli import main

main()
