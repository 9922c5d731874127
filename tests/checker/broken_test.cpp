// Deliberately broken SCIM servers: filled in by the next commit.
