"""Other tools' files in and out, without Qt: spreadsheets of services, graph and
schedule exports (and NetBox inventories)."""
