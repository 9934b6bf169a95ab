import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a piece of code printed on the standard output and error streams. */
record Console(List<String> out, List<String> err) {
  interface Action {
    void run() throws Exception;
  }

  static Console capture(Action action) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    Console console =
        new Console(
            outBytes.toString(StandardCharsets.UTF_8).lines().toList(),
            errBytes.toString(StandardCharsets.UTF_8).lines().toList());
    out.println("standard output:\n  " + String.join("\n  ", console.out()));
    out.println("standard error:\n  " + String.join("\n  ", console.err()));
    return console;
  }

  /** The envelope of the line {@code OUTCOME {…}} that the service printed. */
  String envelope(String outcome) {
    return out.stream()
        .filter(line -> line.startsWith(outcome + " {"))
        .map(line -> line.substring(outcome.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + outcome + " {…}' in " + out));
  }
}
