import { defineMessages } from '../define';

/** App-wide strings: shell, login, errors, admin. */
export const common = defineMessages({
	en: {
		'app.name': 'Guildhall',
		'nav.members': 'Members',
		'nav.admin': 'Users',
		'action.logout': 'Log out',
		'error.network': 'Could not reach the server. Check your connection and try again.'
	},
	fa: {
		'app.name': 'گیلدهال',
		'nav.members': 'اعضا',
		'nav.admin': 'کاربران',
		'action.logout': 'خروج',
		'error.network': 'اتصال به سرور برقرار نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.'
	},
	zh: {
		'app.name': 'Guildhall',
		'nav.members': '会员',
		'nav.admin': '用户',
		'action.logout': '退出登录',
		'error.network': '无法连接服务器。请检查网络后重试。'
	}
});
