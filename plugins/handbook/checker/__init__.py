"""The checker: reading change records, validation, editions, rule kinds, waivers, verify."""
