/**
 * One server process per data directory. The update journal and the log's sequence
 * numbers belong to the process that opened the store (store/journal.ts): a second
 * process on the same directory would empty journal records the first had not moved
 * into the database yet, and give out the same seqs twice. So the store takes a lock
 * file (the holder's pid) when it opens and removes it when it closes; a lock whose
 * process is gone (a crash, a power cut) is taken over.
 *
 * Two processes starting at the same moment over a stale lock could both take it over;
 * the lock is for the mistake of starting a second server, not a race of two starts.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'guildhall.lock';

/** The data directory is in use by another server process (or another store of this one). */
export class DataDirInUseError extends Error {
	readonly name = 'DataDirInUseError';
	readonly code = 'data_dir_in_use';
	constructor(
		readonly dataDir: string,
		readonly pid: number,
		readonly lockFile: string
	) {
		super(
			`Guildhall: the data directory ${dataDir} is in use by another Guildhall server ` +
				`(process ${pid}${pid === process.pid ? ', this one' : ''}). Stop that server first, ` +
				`or set DATA_DIR to another directory. If no Guildhall server is running, ` +
				`delete ${lockFile} and start again.`
		);
	}
}

/** The lock files this process holds (a lock with our pid that is not here is stale). */
const held = new Set<string>();

function pidIn(file: string): number | null {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw e;
	}
	// Empty or not a pid: a process that died while writing it.
	const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
	return pid !== null && pid > 0 ? pid : null;
}

function running(pid: number, file: string): boolean {
	if (pid === process.pid) return held.has(file);
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: it exists, under another user.
		return (e as NodeJS.ErrnoException).code !== 'ESRCH';
	}
}

/**
 * Take the data directory's lock; returns its release. Throws `DataDirInUseError` when a
 * running process holds it.
 */
export function lockDataDir(dataDir: string): () => void {
	const file = path.resolve(dataDir, LOCK_FILE);
	for (;;) {
		try {
			fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
			held.add(file);
			return () => {
				if (!held.delete(file)) return;
				if (pidIn(file) === process.pid) fs.rmSync(file, { force: true });
			};
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		const pid = pidIn(file);
		if (pid !== null && running(pid, file)) throw new DataDirInUseError(dataDir, pid, file);
		// Stale: its process is gone. Removed, then taken as above.
		fs.rmSync(file, { force: true });
	}
}
