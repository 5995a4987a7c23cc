// Failures of the machine rather than of the file: a read error of the disk is ours to fix, not the uploader's.

export const isSystemError = (error: unknown): error is NodeJS.ErrnoException => error instanceof Error && 'syscall' in error;
