-- The conversation list is ordered by last message, newest first: index that ordering.
CREATE INDEX conversations_last_message_idx ON conversations (last_message_at DESC, id DESC);
