import { defineMessages } from '../define';

/** The login page and the errors of logging in. */
export const auth = defineMessages({
	en: {
		'login.title': 'Log in',
		'login.subtitle': 'Member work of your association',
		'login.username': 'Username',
		'login.password': 'Password',
		'login.submit': 'Log in',
		'login.submitting': 'Logging in…',
		'login.required': 'Enter your username and password.',
		'login.offline': 'You are offline. Logging in needs a connection to the server.',
		'login.error.invalid':
			'Wrong username or password. Check both and try again; an administrator can reset your password.',
		'login.error.rateLimited':
			'Too many attempts. Wait {seconds, plural, one {# second} other {# seconds}}, then try again.',
		'login.error.rateLimitedMinutes':
			'Too many attempts. Wait {minutes, plural, one {# minute} other {# minutes}}, then try again.',
		'login.error.disabled': 'This account is disabled. Ask an administrator to enable it.',
		'login.disabledNotice':
			'An administrator has disabled your account, so you were signed out. Ask your association’s Guildhall administrator to enable it again. Changes not sent yet stay on this device and are sent after you sign in again.',
		'login.error.rateLimitedLater': 'Too many attempts. Wait a few minutes, then try again.',
		'login.error.network':
			'Cannot reach the server. Logging in needs a connection: check the network and try again.',
		'login.othersPending':
			'This browser holds {count} changes by an earlier user that never reached the server. Signing in deletes that user’s data from this browser, and those changes are lost. Press Cancel to stop, so that user can sign in here and send them.',
		'login.othersPending_one':
			'This browser holds 1 change by an earlier user that never reached the server. Signing in deletes that user’s data from this browser, and that change is lost. Press Cancel to stop, so that user can sign in here and send it.',
		'login.error.keptOthers':
			'You are not signed in: the earlier user’s unsent changes are kept. Ask them to sign in on this browser so the changes are sent, then sign in again.',
		'login.error.server':
			'The server could not log you in right now. Try again in a minute; if it keeps failing, tell your administrator.'
	},
	fa: {
		'login.title': 'ورود',
		'login.subtitle': 'کار اعضای تشکل شما',
		'login.username': 'نام کاربری',
		'login.password': 'رمز عبور',
		'login.submit': 'ورود',
		'login.submitting': 'در حال ورود…',
		'login.required': 'نام کاربری و رمز عبور را وارد کنید.',
		'login.offline': 'شما آفلاین هستید. ورود به اتصال به سرور نیاز دارد.',
		'login.error.invalid':
			'نام کاربری یا رمز عبور نادرست است. هر دو را بررسی کنید و دوباره تلاش کنید؛ مدیر سامانه می‌تواند رمز شما را بازنشانی کند.',
		'login.error.rateLimited':
			'تلاش‌ها بیش از حد بود. {seconds} ثانیه صبر کنید و دوباره تلاش کنید.',
		'login.error.rateLimitedMinutes':
			'تلاش‌ها بیش از حد بود. {minutes} دقیقه صبر کنید و دوباره تلاش کنید.',
		'login.error.disabled': 'این حساب غیرفعال است. از مدیر سامانه بخواهید آن را فعال کند.',
		'login.disabledNotice':
			'مدیر سامانه حساب شما را غیرفعال کرده است و از سامانه خارج شدید. از مدیر Guildhall تشکل خود بخواهید آن را دوباره فعال کند. تغییرهایی که هنوز ارسال نشده‌اند روی این دستگاه می‌مانند و پس از ورود دوباره ارسال می‌شوند.',
		'login.error.rateLimitedLater': 'تلاش‌ها بیش از حد بود. چند دقیقه صبر کنید و دوباره تلاش کنید.',
		'login.error.network':
			'به سرور دسترسی نیست. ورود به اتصال نیاز دارد: شبکه را بررسی کنید و دوباره تلاش کنید.',
		'login.othersPending':
			'این مرورگر {count} تغییر از کاربر قبلی دارد که هرگز به سرور نرسیده است. با ورود شما، داده‌های آن کاربر از این مرورگر پاک می‌شود و این تغییرات از دست می‌روند. برای توقف «لغو» را بزنید تا آن کاربر اینجا وارد شود و آن‌ها را ارسال کند.',
		'login.othersPending_one':
			'این مرورگر ۱ تغییر از کاربر قبلی دارد که هرگز به سرور نرسیده است. با ورود شما، داده‌های آن کاربر از این مرورگر پاک می‌شود و این تغییر از دست می‌رود. برای توقف «لغو» را بزنید تا آن کاربر اینجا وارد شود و آن را ارسال کند.',
		'login.error.keptOthers':
			'وارد نشدید: تغییرات ارسال‌نشدهٔ کاربر قبلی نگه داشته شد. از او بخواهید در این مرورگر وارد شود تا تغییرات ارسال شوند، سپس دوباره وارد شوید.',
		'login.error.server':
			'سرور اکنون نمی‌تواند شما را وارد کند. یک دقیقهٔ دیگر دوباره تلاش کنید؛ اگر باز هم نشد، به مدیر سامانه خبر دهید.'
	},
	zh: {
		'login.title': '登录',
		'login.subtitle': '协会会员工作平台',
		'login.username': '用户名',
		'login.password': '密码',
		'login.submit': '登录',
		'login.submitting': '正在登录…',
		'login.required': '请输入用户名和密码。',
		'login.offline': '您当前离线。登录需要连接服务器。',
		'login.error.invalid': '用户名或密码错误。请检查后重试；管理员可以为您重置密码。',
		'login.error.rateLimited': '尝试次数过多。请等待 {seconds} 秒后再试。',
		'login.error.rateLimitedMinutes': '尝试次数过多。请等待 {minutes} 分钟后再试。',
		'login.error.disabled': '此账户已停用。请联系管理员启用。',
		'login.disabledNotice':
			'管理员已停用您的账号，因此您已被登出。请联系本协会的 Guildhall 管理员重新启用。尚未发送的修改仍保存在本设备上，重新登录后将自动发送。',
		'login.error.rateLimitedLater': '尝试次数过多。请等待几分钟后再试。',
		'login.error.network': '无法连接服务器。登录需要联网：请检查网络后重试。',
		'login.othersPending':
			'此浏览器中有上一位用户的 {count} 项更改从未送达服务器。登录将从此浏览器删除该用户的数据，这些更改会丢失。点击“取消”可停止登录，让该用户在此登录并发送这些更改。',
		'login.othersPending_one':
			'此浏览器中有上一位用户的 1 项更改从未送达服务器。登录将从此浏览器删除该用户的数据，这项更改会丢失。点击“取消”可停止登录，让该用户在此登录并发送这项更改。',
		'login.error.keptOthers':
			'您尚未登录：上一位用户未发送的更改已保留。请让该用户在此浏览器登录以发送更改，然后再登录。',
		'login.error.server': '服务器暂时无法完成登录。请一分钟后重试；如果仍然失败，请联系管理员。'
	}
});
