// The Content-Disposition of a file download, for any file name (RFC 6266: a plain ASCII name and a UTF-8 one).

export function attachment(fileName: string): string {
  // Quotes, backslashes, control and non-ASCII characters have no place in the quoted name: the UTF-8 name carries them.
  const plain = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return plain === fileName ? `attachment; filename="${fileName}"` : `attachment; filename="${plain}"; filename*=UTF-8''${encoded}`;
}
