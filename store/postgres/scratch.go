package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// Scratch is an empty database made on a server for one test or load
// run, named prefix and a random suffix.
type Scratch struct {
	server string // the URL given; its database is used only to create and drop
	name   string
	// URL is the scratch database's own.
	URL string
}

// NewScratch creates an empty database on the server at server.
func NewScratch(ctx context.Context, server, prefix string) (*Scratch, error) {
	if !IsURL(server) {
		return nil, fmt.Errorf("want a PostgreSQL server URL such as postgres://user@host:5432/postgres, got %q", Redact(server))
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, err
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	s := &Scratch{server: server, name: prefix + hex.EncodeToString(b[:])}
	if err := s.admin(ctx, "CREATE DATABASE "+s.name); err != nil {
		return nil, err
	}
	u.Path = "/" + s.name
	s.URL = u.String()
	return s, nil
}

// Size is the database's size on disk, in bytes (0 if unknown).
func (s *Scratch) Size(ctx context.Context) int64 {
	var n int64
	_ = s.with(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, "SELECT pg_database_size($1)", s.name).Scan(&n)
	})
	return n
}

// Drop removes the database, closing whatever still uses it.
func (s *Scratch) Drop(ctx context.Context) error {
	return s.admin(ctx, "DROP DATABASE IF EXISTS "+s.name+" WITH (FORCE)")
}

func (s *Scratch) admin(ctx context.Context, sql string) error {
	return s.with(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, sql)
		return err
	})
}

// with runs fn on a connection to the server's own database.
func (s *Scratch) with(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := pgx.Connect(ctx, s.server)
	if err != nil {
		return fmt.Errorf("%s: %w", Redact(s.server), err)
	}
	defer c.Close(ctx)
	return fn(c)
}
