print("scatterbrained")
