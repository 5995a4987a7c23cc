// Streams XML text with every element of one name handed, whole, to a function that rewrites it.

/**
 * The text with each `<name …>…</name>` and `<name …/>` replaced by `rewrite(element)`, and all else as it came.
 * Only one element at a time is held, in pieces until it ends, so memory stays flat whatever the length of the
 * document and time linear whatever the length of the element. Elements of this name must not nest, and comments
 * and CDATA sections around them are not looked into: true of the parts of a workbook.
 */
export async function* rewriteElements(chunks: AsyncIterable<string>, name: string, rewrite: (element: string) => string): AsyncGenerator<string> {
  const open = new RegExp(`<${name}[\\s/>]`, 'g');
  const close = `</${name}>`;
  // Text held back for the next chunk: a tail that may start an element or an end tag cut in two.
  let carry = '';
  let inElement = false;
  // What earlier chunks held of the element; joined strings are only copied once, when the element is whole.
  let held = '';
  // Within the element's start tag, where a '>' may stand in a quoted value; '<' may not, so no end tag hides in one.
  let inStartTag = false;
  let quote = '';
  let previous = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    carry = '';
    let out = '';
    let at = 0;
    // Where the element begins in this text: 0 when it began in an earlier chunk.
    let elementFrom = 0;
    while (at < text.length) {
      if (!inElement) {
        open.lastIndex = at;
        const found = open.exec(text);
        if (!found) {
          const lastOpen = text.lastIndexOf('<');
          const keepFrom = lastOpen >= at && lastOpen >= text.length - name.length - 1 ? lastOpen : text.length;
          out += text.slice(at, keepFrom);
          carry = text.slice(keepFrom);
          break;
        }
        out += text.slice(at, found.index);
        inElement = true;
        inStartTag = true;
        quote = '';
        previous = '';
        elementFrom = found.index;
        at = found.index + name.length + 1;
      }
      let end = -1;
      let from = at;
      for (; inStartTag && from < text.length; from++) {
        const char = text[from];
        if (quote) {
          if (char === quote) quote = '';
        } else if (char === '"' || char === "'") {
          quote = char;
        } else if (char === '>') {
          inStartTag = false;
          if (previous === '/') end = from + 1;
        }
        previous = char;
      }
      if (end === -1 && !inStartTag) {
        const closeAt = text.indexOf(close, from);
        if (closeAt !== -1) end = closeAt + close.length;
      }
      if (end === -1) {
        const cut = inStartTag ? text.length : Math.max(from, text.length - close.length + 1);
        held += text.slice(elementFrom, cut);
        carry = text.slice(cut);
        break;
      }
      out += rewrite(held + text.slice(elementFrom, end));
      held = '';
      inElement = false;
      at = end;
    }
    // Once for every chunk, even with nothing to pass on: a consumer can take the document a chunk at a time.
    yield out;
  }
  // A document cut inside an element: the parser after this one tells what is wrong with it.
  if (held || carry) yield held + carry;
}
