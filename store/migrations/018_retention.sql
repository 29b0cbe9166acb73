-- Retention (issue 13): what is kept only for a while is deleted by the
-- pruning every process runs each hour (see store/retention.go). Each rule
-- finds what it deletes through an index, and what the deletes cascade to
-- is found through one too, so that a round costs what it deletes, not the
-- size of the tables.

-- Families inactive for months: found from the chats not written in
-- since (conversations.updated_at is the last update applied).
CREATE INDEX conversations_updated ON conversations (updated_at);

-- Cases closed months ago; their feedback and the cards issued on them
-- are found by the case when it goes.
CREATE INDEX cases_closed ON cases (closed_at) WHERE status = 'closed';
CREATE INDEX case_feedback_case ON case_feedback (case_id);
CREATE INDEX cards_case ON cards (case_id) WHERE case_id IS NOT NULL;

-- Cards expired or revoked days ago; a chat's cards of every state (an
-- erasure deletes them by the chat, and an inactive family's are read).
CREATE INDEX cards_until ON cards (valid_until);
CREATE INDEX cards_revoked ON cards (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX cards_chat ON cards (chat_id);

-- Audit rows years old.
CREATE INDEX audit_at ON audit (at);

-- An erasure deletes a chat's contact requests by the chat, and the
-- family's go with it by the family key.
CREATE INDEX contact_requests_chat ON contact_requests (chat_id);
CREATE INDEX contact_requests_family ON contact_requests (family_id) WHERE family_id IS NOT NULL;
