/**
 * [C4] Undo is personal: the UndoManager tracks only this user's own changes
 * (origin LOCAL), and every command is its own step (captureTimeout 0), as in a
 * spreadsheet. `onChange` hears whether undo and redo are possible.
 */
import * as Y from 'yjs';
import { LOCAL } from '$lib/sync/origins';

export function personalUndo(
	scope: ConstructorParameters<typeof Y.UndoManager>[0],
	onChange: (canUndo: boolean, canRedo: boolean) => void
): { manager: Y.UndoManager; destroy: () => void } {
	const manager = new Y.UndoManager(scope, {
		trackedOrigins: new Set([LOCAL]),
		captureTimeout: 0
	});
	const onStack = () => onChange(manager.canUndo(), manager.canRedo());
	const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const;
	for (const ev of events) manager.on(ev, onStack);
	return {
		manager,
		destroy: () => {
			for (const ev of events) manager.off(ev, onStack);
			manager.destroy();
		}
	};
}
