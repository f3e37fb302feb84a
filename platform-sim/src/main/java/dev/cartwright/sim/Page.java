package dev.cartwright.sim;

/**
 * One page of a list call: page tokens are the offset of the first item as a decimal string ("" = from the start),
 * and the next token is empty after the last page.
 */
record Page(int offset, int end, int total) {

    static final int DEFAULT_SIZE = 500;
    static final int MAX_SIZE = 5000;

    /** A page request refused: the field and what is wrong with it ({@code field + " " + problem} is the message). */
    static final class Invalid extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final String field;
        private final String problem;

        Invalid(String field, String problem) {
            super(field + " " + problem);
            this.field = field;
            this.problem = problem;
        }

        String field() {
            return field;
        }

        String problem() {
            return problem;
        }
    }

    /** The page asked for, or {@link Invalid} naming the bad field. */
    static Page of(String pageToken, int pageSize, int total) {
        if (pageSize < 0) {
            throw new Invalid("page_size", "must be >= 0, was " + pageSize);
        }
        int size = pageSize == 0 ? DEFAULT_SIZE : Math.min(pageSize, MAX_SIZE);
        int offset;
        if (pageToken == null || pageToken.isEmpty()) {
            offset = 0;
        } else {
            try {
                offset = Integer.parseInt(pageToken);
            } catch (NumberFormatException e) {
                throw new Invalid("page_token", "is not one this service issued: " + pageToken);
            }
            if (offset < 0 || offset > total) {
                throw new Invalid("page_token", "is not one this service issued: " + pageToken);
            }
        }
        return new Page(offset, (int) Math.min((long) offset + size, total), total);
    }

    /** The token of the page after this one, empty when this is the last. */
    String nextToken() {
        return end < total ? Integer.toString(end) : "";
    }
}
