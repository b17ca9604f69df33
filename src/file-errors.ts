// A failed file operation's reason in plain words, without the path Node repeats in its message: one wording for every
// message that names a file the user gave (a feed list, a labelled set, the out dir).

export function fileErrorReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a folder, not a file';
    case 'ENOTDIR': case 'EEXIST': return 'a part of its path is a file, not a folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    case 'ENOSPC': return 'no space left on the device';
    case 'EBUSY': return 'it is busy (a mount point, or in use)';
    default: return (error as Error).message.split('\n')[0]!;
  }
}
