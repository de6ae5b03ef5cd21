"""Writers: XLSX with Chinese or English headers, CSV (utf-8-sig), GeoPackage, GeoParquet."""
