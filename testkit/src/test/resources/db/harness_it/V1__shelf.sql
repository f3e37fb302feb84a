-- A one-table schema used only to prove that Migrations applies scripts into the schema it is given.
CREATE TABLE shelf (
    sku      text PRIMARY KEY,
    quantity int  NOT NULL CHECK (quantity >= 0)
);
