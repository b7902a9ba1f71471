package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"

	"samverkan/store/postgres"
)

// pgDatabase is a PostgreSQL database made for one run on the server the
// load tool was pointed at, and dropped after it.
type pgDatabase struct {
	server string // the URL given (its database is only for admin)
	name   string
	URL    string // the run's own database
}

// newPGDatabase creates an empty database on the server at server.
func newPGDatabase(server string) (*pgDatabase, error) {
	if !postgres.IsURL(server) {
		return nil, fmt.Errorf("want -store postgres://user@host:5432/postgres (a server the tool may create a database on), got %q", postgres.Redact(server))
	}
	var b [6]byte
	rand.Read(b[:])
	d := &pgDatabase{server: server, name: "samverkan_load_" + hex.EncodeToString(b[:])}
	if err := d.admin("CREATE DATABASE " + d.name); err != nil {
		return nil, err
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + d.name
	d.URL = u.String()
	return d, nil
}

func (d *pgDatabase) admin(sql string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, d.server)
	if err != nil {
		return fmt.Errorf("%s: %w", postgres.Redact(d.server), err)
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

// size is the database's size on disk.
func (d *pgDatabase) size() int64 {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, d.server)
	if err != nil {
		return 0
	}
	defer c.Close(ctx)
	var n int64
	_ = c.QueryRow(ctx, "SELECT pg_database_size($1)", d.name).Scan(&n)
	return n
}

// drop removes the run's database.
func (d *pgDatabase) drop() { _ = d.admin("DROP DATABASE IF EXISTS " + d.name + " WITH (FORCE)") }
