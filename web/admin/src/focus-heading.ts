// After a move to another page, focus goes to its heading, as a screen reader expects of a page load. A page that
// loads its data first shows its heading later: the heading then takes focus when it appears.

let pending = false;

/** A move to another page: its heading (h1) gets focus now if it is there, else when it mounts. */
export function focusHeadingOf(main: HTMLElement | null): void {
  const heading = main?.querySelector<HTMLElement>('h1');
  if (heading) {
    pending = false;
    heading.focus();
  } else {
    pending = true;
    // Meanwhile focus is on the page's content, not left on a link that is gone.
    main?.focus();
  }
}

/** Called by a page heading as it mounts. */
export function headingMounted(heading: HTMLElement | null): void {
  if (!pending || !heading) return;
  pending = false;
  heading.focus();
}
