package query

import (
	"context"
	"strings"
	"time"

	"folio/internal/blog"
)

const tokenColumns = `t.id, t.user_id, u.name, t.name, t.scopes, t.client_id, t.token_hash, t.created_at, t.used_at, t.expires_at`

func scanToken(sc Scanner) (*blog.Token, error) {
	t := &blog.Token{}
	var scopes string
	var created, used, expires int64
	if err := sc.Scan(&t.ID, &t.UserID, &t.UserName, &t.Name, &scopes, &t.ClientID, &t.Hash, &created, &used, &expires); err != nil {
		return nil, err
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt, t.UsedAt, t.ExpiresAt = FromUnix(created), FromUnix(used), FromUnix(expires)
	return t, nil
}

// CreateToken stores a new token and sets its ID.
func (t Tables) CreateToken(ctx context.Context, tok *blog.Token) error {
	id, err := t.insert(ctx, `INSERT INTO tokens (user_id, name, scopes, client_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tok.UserID, tok.Name, strings.Join(tok.Scopes, " "), tok.ClientID, tok.Hash, Unix(tok.CreatedAt), Unix(tok.ExpiresAt))
	tok.ID = id
	return err
}

// TokenByHash returns the token with the hash.
func (t Tables) TokenByHash(ctx context.Context, hash string) (*blog.Token, error) {
	tok, err := scanToken(t.db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash))
	if err != nil {
		return nil, t.d.MapErr(err)
	}
	return tok, nil
}

// Tokens lists a user's tokens, or everyone's for 0, newest first.
func (t Tables) Tokens(ctx context.Context, userID int64) ([]*blog.Token, error) {
	return Collect(ctx, t.db, scanToken, `SELECT `+tokenColumns+` FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE ? = 0 OR t.user_id = ? ORDER BY t.created_at DESC, t.id DESC`, userID, userID)
}

// TouchToken records a token's use.
func (t Tables) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := t.db.Exec(ctx, `UPDATE tokens SET used_at = ? WHERE id = ?`, Unix(at), id)
	return t.d.MapErr(err)
}

// DeleteToken revokes a token.
func (t Tables) DeleteToken(ctx context.Context, id int64) error {
	return t.expectOne(t.db.Exec(ctx, `DELETE FROM tokens WHERE id = ?`, id))
}
