package bot

// BucketForumStatements indexes statements by forum ("forum|number" →
// number): a forum's status, board, list, feed and after-action report
// read its own statements, not every forum's.
const BucketForumStatements = "forum_statements"

func forumStatementKey(forum string, n uint64) string { return forum + "|" + SeqKey(n) }

// forumStatements calls fn with each statement of forum, oldest first.
func forumStatements(tx Tx, forum string, fn func(*Statement) error) error {
	ns, err := indexed(tx, BucketForumStatements, forum+"|")
	if err != nil {
		return err
	}
	for _, n := range ns {
		var st Statement
		if err := tx.Get(BucketStatements, SeqKey(n), &st); err != nil {
			return err
		}
		if err := fn(&st); err != nil {
			return err
		}
	}
	return nil
}

// indexStatements indexes, once, the statements written before the
// index was kept.
func indexStatements(tx Tx) error {
	return indexOnce(tx, "statements_indexed", "1", func() error {
		return tx.ForEach(BucketStatements, "", func(_ string, decode func(any) error) error {
			var st Statement
			if err := decode(&st); err != nil {
				return err
			}
			return tx.Put(BucketForumStatements, forumStatementKey(st.Forum, st.Number), st.Number)
		})
	})
}
