/** Test accounts created by global-setup. */
export const ADMIN = { username: 'admin', password: 'admin-e2e-password' };
export const USERS = [
	{ username: 'sara', displayName: 'Sara Staff', password: 'sara-password-1', roles: ['staff'] },
	{ username: 'li', displayName: '李明', password: 'li-password-12', roles: ['staff'] },
	{ username: 'reza', displayName: 'رضا', password: 'reza-password-1', roles: ['staff'] },
	{ username: 'bahar', displayName: 'Bahar Board', password: 'bahar-password', roles: ['board'] },
	// View-only on the registry (the board has no registry access; it syncs only reports).
	{
		username: 'farid',
		displayName: 'Farid Finance',
		password: 'farid-password-1',
		roles: ['finance']
	},
	// Approves applications (the only way a row becomes an active member).
	{
		username: 'amir',
		displayName: 'Amir Approver',
		password: 'amir-password-1',
		roles: ['approver']
	}
] as const;
export type TestUser = (typeof USERS)[number] | typeof ADMIN;
