// BoilerpipeExtract.java — main-content extraction with boilerpipe's ArticleExtractor
// (Debian's libboilerpipe-java 1.2.0). Usage: java -cp ... BoilerpipeExtract HTML_DIR OUT_DIR
import de.l3s.boilerpipe.extractors.ArticleExtractor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

public class BoilerpipeExtract {
  public static void main(String[] args) throws Exception {
    File in = new File(args[0]);
    File out = new File(args[1]);
    out.mkdirs();
    String[] names = in.list((d, n) -> n.endsWith(".html"));
    Arrays.sort(names);
    for (String name : names) {
      String text = "";
      try {
        String html = new String(Files.readAllBytes(new File(in, name).toPath()), StandardCharsets.UTF_8);
        text = ArticleExtractor.INSTANCE.getText(html);
      } catch (Exception e) {
        System.err.println(name + ": " + e);
      }
      String base = name.substring(0, name.length() - 5);
      Files.write(new File(out, base + ".txt").toPath(), text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
