import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * What a Java Kafka consumer hands on as a header name: the Java client
 * decodes the name's bytes with new String(bytes, UTF_8) (Header.key()), and
 * Spark encodes that String back to UTF-8. Reads one name per line as hex on
 * stdin, prints the bytes the round trip gives, as hex, one per line.
 * Run with `java DecodedNames.java` (single-file source, JDK 11+).
 */
public final class DecodedNames {
    public static void main(String[] args) throws IOException {
        HexFormat hex = HexFormat.of();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            byte[] name = hex.parseHex(line);
            out.println(hex.formatHex(new String(name, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        }
        out.flush();
    }
}
