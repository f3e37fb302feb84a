package dev.cartwright.service.grpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.Descriptors;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON of a request message whose fields are all strings and 32- or 64-bit integers (most requests are), with
 * a streaming parser instead of JsonFormat's reflection. It answers only where it is certain to read what JsonFormat
 * reads: a plain object whose keys are field names (the proto name or the JSON name, each field once) and whose values
 * are strings for strings, and integers or strings of digits for integers. Anything else (an unknown field, null, a
 * fraction, a repeated key, JSON that does not parse, text after the object) answers null, and the caller leaves the
 * request to JsonFormat, whose answer or error message is then the one given.
 *
 * <p>The field table comes from the message's descriptor once, at start-up; reading touches no descriptor.
 */
public final class ScalarFieldsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private enum Kind { STRING, INT32, INT64 }

    private final Map<String, Integer> positions = new HashMap<>();
    private final Kind[] kinds;

    private ScalarFieldsJson(Descriptors.Descriptor type) {
        List<Descriptors.FieldDescriptor> fields = type.getFields();
        kinds = new Kind[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Descriptors.FieldDescriptor field = fields.get(i);
            if (field.isRepeated() || field.getRealContainingOneof() != null) {
                throw new IllegalArgumentException(field.getFullName() + " is not a single scalar");
            }
            kinds[i] = switch (field.getType()) {
                case STRING -> Kind.STRING;
                case INT32 -> Kind.INT32;
                case INT64 -> Kind.INT64;
                default -> throw new IllegalArgumentException(field.getFullName() + " is a " + field.getType()
                    + "; only strings, int32 and int64 are read here");
            };
            positions.put(field.getName(), i);
            positions.put(field.getJsonName(), i);
        }
    }

    /** The reader of {@code type}, whose fields must all be singular strings, int32 or int64. */
    public static ScalarFieldsJson of(Descriptors.Descriptor type) {
        return new ScalarFieldsJson(type);
    }

    /**
     * The values of the fields present in {@code json}, by the field's position in the descriptor ({@code String},
     * {@code Integer} or {@code Long}; null where absent), or null when this reader cannot be sure to agree with
     * JsonFormat.
     */
    public Object[] read(Buffer json) {
        try (JsonParser parser = JSON.createParser(json.getBytes())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Object[] values = new Object[kinds.length];
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                Integer at = positions.get(parser.currentName());
                if (at == null || values[at] != null) {
                    return null;
                }
                Object value = value(kinds[at], parser.nextToken(), parser);
                if (value == null) {
                    return null;
                }
                values[at] = value;
            }
            return parser.nextToken() == null ? values : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Object value(Kind kind, JsonToken token, JsonParser parser) throws IOException {
        switch (kind) {
            case STRING:
                return token == JsonToken.VALUE_STRING ? parser.getText() : null;
            case INT32:
                if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                    return parser.getIntValue();
                }
                return token == JsonToken.VALUE_STRING && isDigits(parser.getText(), 9) ? Integer.valueOf(parser.getText()) : null;
            case INT64:
                if (token == JsonToken.VALUE_NUMBER_INT && (parser.getNumberType() == JsonParser.NumberType.INT
                    || parser.getNumberType() == JsonParser.NumberType.LONG)) {
                    return parser.getLongValue();
                }
                return token == JsonToken.VALUE_STRING && isDigits(parser.getText(), 18) ? Long.valueOf(parser.getText()) : null;
            default:
                return null;
        }
    }

    /** An optional minus and 1 to {@code maxDigits} digits: what Integer/Long.parseLong read exactly as JsonFormat does. */
    private static boolean isDigits(String text, int maxDigits) {
        int start = text.startsWith("-") ? 1 : 0;
        int digits = text.length() - start;
        if (digits < 1 || digits > maxDigits) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
