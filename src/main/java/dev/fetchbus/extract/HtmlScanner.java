package dev.fetchbus.extract;

import static dev.fetchbus.extract.HtmlBytes.ATTRIBUTE_NAME_END;
import static dev.fetchbus.extract.HtmlBytes.CLASS;
import static dev.fetchbus.extract.HtmlBytes.SPACE;
import static dev.fetchbus.extract.HtmlBytes.TAG_NAME_END;
import static dev.fetchbus.extract.HtmlBytes.UNQUOTED_END;
import static dev.fetchbus.extract.HtmlBytes.indexOf;
import static dev.fetchbus.extract.HtmlBytes.isLetter;
import static dev.fetchbus.extract.HtmlBytes.isLetterOrDigit;
import static dev.fetchbus.extract.HtmlBytes.isSpace;
import static dev.fetchbus.extract.HtmlBytes.skipComment;
import static dev.fetchbus.extract.HtmlBytes.skipPast;

import java.nio.charset.Charset;

/**
 * One pass over an HTML body's bytes that reports the start tags a crawler cares about, with their
 * attributes, and the page's title; no DOM, no copy of the page as a String. It works on the bytes
 * of any charset that keeps ASCII as ASCII (UTF-8, ISO-8859-*, windows-125*…); tag and attribute
 * names are ASCII, and only the attribute values asked for are decoded (with the page's charset,
 * entities unescaped by jsoup's table). Comments, doctype, processing instructions and the contents
 * of script, style, textarea and other raw-text elements are skipped as an HTML tokenizer does.
 *
 * <p>CPU work: call it on a worker thread. Not thread-safe: one scanner per page.
 */
final class HtmlScanner {
  /** What a scan reports. */
  interface Handler {
    /** A start tag whose name the scanner was asked for; {@code tag} is valid only during the call. */
    void startTag(Tag tag);

    /** The text of the first {@code <title>} outside SVG and MathML, entities decoded. */
    void title(String text);

    /** Whether the handler has what it wanted: the scan then stops before the next start tag. */
    default boolean done() {
      return false;
    }
  }

  private static final int MAX_ATTRIBUTES = 32;

  private final byte[] b;
  private final Charset charset;
  private final TagNames wanted;
  private final Handler handler;
  private final Tag tag = new Tag();
  private boolean titleSeen;
  private boolean inFrameset;
  private int foreignDepth;

  HtmlScanner(byte[] body, Charset charset, TagNames wanted, Handler handler) {
    this.b = body;
    this.charset = charset;
    this.wanted = wanted;
    this.handler = handler;
  }

  /** Scans {@code [0, end)}. */
  void scan(int end) {
    int i = 0;
    while (true) {
      int lt = indexOf(b, (byte) '<', i, end);
      if (lt < 0 || lt + 1 >= end) {
        return;
      }
      byte next = b[lt + 1];
      if (isLetter(next)) {
        i = handler.done() ? end : startTag(lt + 1, end);
      } else if (next == '/') {
        i = endTag(lt + 2, end);
      } else if (next == '!') {
        i = startsWith(lt + 2, end, "--") ? skipComment(b, lt + 4, end) : skipPast(b, (byte) '>', lt + 2, end);
      } else if (next == '?') {
        i = skipPast(b, (byte) '>', lt + 2, end);
      } else {
        i = lt + 1; // a '<' in text
      }
    }
  }

  /** Reads a start tag at {@code from} (its name's first byte); returns where scanning goes on. */
  private int startTag(int from, int end) {
    byte[] b = this.b;
    int nameEnd = from;
    while (nameEnd < end && (CLASS[b[nameEnd] & 0xff] & TAG_NAME_END) == 0) {
      nameEnd++;
    }
    String name = wanted.find(b, from, nameEnd - from);
    String special = name != null ? null : TagNames.SPECIAL.find(b, from, nameEnd - from);
    tag.reset(name);
    int i = attributes(nameEnd, end, name != null);
    if (i < 0) {
      return end; // the input ended inside the tag: a tokenizer drops such a tag
    }
    String tagName = name != null ? name : special;
    if (tagName == null) {
      return i;
    }
    if (tagName.equals("svg") || tagName.equals("math")) {
      foreignDepth += selfClosed(i) ? 0 : 1;
    } else if (tagName.equals("frameset")) {
      inFrameset = true;
    }
    if (name != null && (inFrameset || !name.equals("frame"))) {
      handler.startTag(tag); // a frame outside a frameset is dropped by browsers
    }
    boolean rawText = TagNames.isRawText(tagName) && (foreignDepth == 0 || !tagName.equals("title"));
    return rawText && !selfClosed(i) ? rawText(tagName, i, end) : i;
  }

  private boolean selfClosed(int afterTag) {
    return afterTag >= 2 && b[afterTag - 2] == '/';
  }

  /**
   * Reads attributes up to the tag's '>'; returns the index after it, or -1 when the input ends
   * first. Keeps them only when {@code keep}.
   */
  private int attributes(int from, int end, boolean keep) {
    byte[] b = this.b;
    int i = from;
    while (i < end) {
      byte c = b[i];
      if (c == '>') {
        return i + 1;
      }
      if (c == '/' || (CLASS[c & 0xff] & SPACE) != 0) {
        i++;
        continue;
      }
      int nameStart = i++; // its first byte is never its end, '/' included
      while (i < end && (CLASS[b[i] & 0xff] & ATTRIBUTE_NAME_END) == 0) {
        i++;
      }
      int nameEnd = i;
      i = skipSpaces(i, end);
      int valueStart = -1;
      int valueEnd = -1;
      if (i < end && b[i] == '=') {
        i = skipSpaces(i + 1, end);
        if (i < end && (b[i] == '"' || b[i] == '\'')) {
          byte quote = b[i];
          valueStart = i + 1;
          int close = indexOf(b, quote, valueStart, end);
          if (close < 0) {
            return -1;
          }
          valueEnd = close;
          i = close + 1;
        } else {
          valueStart = i;
          while (i < end && (CLASS[b[i] & 0xff] & UNQUOTED_END) == 0) {
            i++;
          }
          valueEnd = i;
        }
      }
      if (keep && tag.count < MAX_ATTRIBUTES) {
        tag.add(nameStart, nameEnd, valueStart, valueEnd);
      }
    }
    return -1;
  }

  private int endTag(int from, int end) {
    int nameEnd = from;
    while (nameEnd < end && isLetterOrDigit(b[nameEnd])) {
      nameEnd++;
    }
    String name = TagNames.SPECIAL.find(b, from, nameEnd - from);
    if (name != null && (name.equals("svg") || name.equals("math")) && foreignDepth > 0) {
      foreignDepth--;
    }
    return skipPast(b, (byte) '>', nameEnd, end);
  }

  /** Skips (or for the first title, reads) a raw-text element's contents up to its end tag. */
  private int rawText(String name, int from, int end) {
    int close = findEndTag(name, from, end);
    if (name.equals("title") && !titleSeen && foreignDepth == 0) {
      titleSeen = true;
      handler.title(CharacterReferences.decode(new String(b, from, (close < 0 ? end : close) - from, charset), false));
    }
    if (close < 0 || name.equals("plaintext")) {
      return end;
    }
    return skipPast(b, (byte) '>', close + 2 + name.length(), end);
  }

  /** The index of {@code </name} (any case) followed by a space, '/' or '>', or -1. */
  private int findEndTag(String name, int from, int end) {
    int i = from;
    while (true) {
      int lt = indexOf(b, (byte) '<', i, end);
      if (lt < 0 || lt + 2 + name.length() > end) {
        return -1;
      }
      int after = lt + 2 + name.length();
      if (b[lt + 1] == '/' && equalsIgnoreCase(lt + 2, name)
          && (after == end || isSpace(b[after]) || b[after] == '>' || b[after] == '/')) {
        return lt;
      }
      i = lt + 1;
    }
  }

  private int skipSpaces(int from, int end) {
    byte[] b = this.b;
    int i = from;
    while (i < end && (CLASS[b[i] & 0xff] & SPACE) != 0) {
      i++;
    }
    return i;
  }

  private boolean startsWith(int at, int end, String ascii) {
    if (at + ascii.length() > end) {
      return false;
    }
    for (int k = 0; k < ascii.length(); k++) {
      if (b[at + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private boolean equalsIgnoreCase(int at, String lowerAscii) {
    for (int k = 0; k < lowerAscii.length(); k++) {
      if ((b[at + k] | 0x20) != lowerAscii.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The start tag being reported: its name and its attributes as offsets into the body. */
  final class Tag {
    private String name;
    private final int[] spans = new int[MAX_ATTRIBUTES * 4];
    private int count;

    private void reset(String name) {
      this.name = name;
      this.count = 0;
    }

    private void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
      int at = count++ * 4;
      spans[at] = nameStart;
      spans[at + 1] = nameEnd;
      spans[at + 2] = valueStart;
      spans[at + 3] = valueEnd;
    }

    String name() {
      return name;
    }

    /** The first value of attribute {@code lowerName}, decoded and unescaped; "" when it has none, null when absent. */
    String attr(String lowerName) {
      for (int k = 0; k < count; k++) {
        int at = k * 4;
        if (spans[at + 1] - spans[at] == lowerName.length() && equalsIgnoreCase(spans[at], lowerName)) {
          return value(spans[at + 2], spans[at + 3]);
        }
      }
      return null;
    }

    private String value(int start, int end) {
      if (start < 0) {
        return "";
      }
      String raw = new String(b, start, end - start, charset);
      return CharacterReferences.decode(raw, true);
    }
  }
}
