package dev.cartwright.loadtest;

/**
 * Lays out JSON as grpcurl prints it: grpcurl marshals a message compactly (Go's jsonpb: lowerCamelCase JSON names,
 * 64-bit integers as strings, enums by name, default values left out) and indents the result with Go's
 * {@code json.Indent(out, in, "", "  ")}: two spaces a level, {@code "name": value}, each member and each array element
 * on its own line, empty objects and arrays as {@code {}} and {@code []}. Strings are written as Go's encoder writes
 * them ({@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped as {@code \}{@code u....}), since the compact text
 * this is given (protobuf-java's JsonFormat) escapes a few characters differently.
 */
final class GrpcurlJson {

    private static final String HEX = "0123456789abcdef";

    private GrpcurlJson() {
    }

    /** {@code compact}: one JSON value without insignificant whitespace. */
    static String indent(String compact) {
        StringBuilder out = new StringBuilder(compact.length() * 2);
        int depth = 0;
        int i = 0;
        while (i < compact.length()) {
            char c = compact.charAt(i);
            switch (c) {
                case '{', '[' -> {
                    char close = c == '{' ? '}' : ']';
                    if (i + 1 < compact.length() && compact.charAt(i + 1) == close) {
                        out.append(c).append(close);
                        i += 2;
                        continue;
                    }
                    out.append(c);
                    depth++;
                    newline(out, depth);
                }
                case '}', ']' -> {
                    depth--;
                    newline(out, depth);
                    out.append(c);
                }
                case ',' -> {
                    out.append(',');
                    newline(out, depth);
                }
                case ':' -> out.append(": ");
                case '"' -> {
                    i = string(compact, i, out);
                    continue;
                }
                default -> out.append(c);
            }
            i++;
        }
        return out.toString();
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        for (int d = 0; d < depth; d++) {
            out.append("  ");
        }
    }

    /** Decodes the string literal starting at {@code start} and writes it as Go writes it; returns the index after it. */
    private static int string(String in, int start, StringBuilder out) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (in.charAt(i) != '"') {
            char c = in.charAt(i);
            if (c == '\\') {
                char e = in.charAt(i + 1);
                switch (e) {
                    case 'u' -> {
                        value.append((char) Integer.parseInt(in.substring(i + 2, i + 6), 16));
                        i += 6;
                        continue;
                    }
                    case 'b' -> value.append('\b');
                    case 'f' -> value.append('\f');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    default -> value.append(e);
                }
                i += 2;
            } else {
                value.append(c);
                i++;
            }
        }
        out.append('"');
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX.charAt(c >> 12 & 0xF)).append(HEX.charAt(c >> 8 & 0xF))
                            .append(HEX.charAt(c >> 4 & 0xF)).append(HEX.charAt(c & 0xF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return i + 1;
    }
}
