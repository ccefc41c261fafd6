import { defineMessages } from '../define';

/** App-wide strings: the shell, header, roles, logout, generic errors. */
export const common = defineMessages({
	en: {
		'app.name': 'Guildhall',
		'app.loading': 'Loading…',
		'list.semicolon': '; ',
		// After a heading's title, before what it is of ("Statement: …").
		'list.colon': ': ',
		// Between the parts of one line of details (a number and a name, a method and a
		// receipt). Persian does not use the middle dot: beside Persian digits it reads as
		// the zero «۰» (GH-۰۰۰۰۲ · … read as GH-۰۰۰۰۲۰).
		'list.meta': ' · ',
		'noAccess.pipeline':
			'Your role has no access to the membership pipeline. Ask an administrator if you need it.',
		'noAccess.settings':
			'Your role has no access to the settings. Ask an administrator if you need it.',
		'noAccess.documents':
			'Your role has no access to members’ documents. Ask an administrator if you need it.',
		'noAccess.import': 'Your role cannot import members. Ask an administrator if you need it.',
		'noAccess.memberFile':
			'Your role has no access to member files. Ask an administrator if you need it.',
		'refused.title':
			'{count, plural, one {A change} other {# changes}} made on this device to {doc} could not be saved: you can now only view it.',
		'refused.todo':
			'They are no longer shown, and the figures are the server’s. Ask someone who may edit it to enter them again, or ask an administrator for edit access.',
		'dropped.title':
			'{count, plural, one {An action} other {# actions}} waiting on this device {count, plural, one {was} other {were}} dropped: your role no longer allows {count, plural, one {it} other {them}}.',
		'dropped.todo':
			'Nothing of it was sent. Ask someone whose role allows it to do it, or ask an administrator if your role should.',
		'refused.dismiss': 'Understood',
		'refused.doc.registry': 'the member registry',
		'refused.doc.ledger': 'the dues ledger',
		'refused.doc.surveys': 'surveys',
		'refused.doc.settings': 'the settings',
		'refused.doc.reports': 'the reports',
		'refused.titleNoAccess':
			'{count, plural, one {A change} other {# changes}} made on this device to {doc} could not be saved: your role no longer has access to it.',
		'refused.memberFields': '{name}: {fields}',
		'rolesChanged.formClosed':
			'Your roles were changed by an administrator. The form you had open, “{form}”, was closed and nothing in it was saved: enter it again where your role allows it.',
		'noAccess.elsewhere': 'Your role can open:',
		'sync.closed.rolesChanged': 'Your roles were changed: this page opens again with the new ones…',
		'app.redirecting': 'Opening the login page…',
		'nav.label': 'Main',
		'nav.members': 'Members',
		'nav.admin': 'Users',
		'action.logout': 'Log out',
		'action.loggingOut': 'Logging out…',
		'action.cancel': 'Cancel',
		'action.save': 'Save',
		'action.saving': 'Saving…',
		'action.retry': 'Try again',
		'action.close': 'Close',
		'locale.label': 'Language',
		'user.menu': 'Logged in as {name}',
		'user.roles': 'Roles',
		'offline.banner':
			'Offline — showing the copy on this device. Your changes are kept here and sent when the connection returns.',
		'role.admin': 'Administrator',
		'role.staff': 'Membership staff',
		'role.approver': 'Approver',
		'role.finance': 'Finance',
		'role.board': 'Board',
		'role.admin.hint': 'Manages users and settings; edits everything.',
		'role.staff.hint': 'Edits the member registry and surveys.',
		'role.approver.hint': 'Secretary-general: approves applications and confirms the category.',
		'role.finance.hint': 'Dues and payments; views the registry.',
		'role.board.hint': 'Views the reports (figures and new members only); never edits.',
		'logout.title': 'Log out with unsynced changes?',
		'logout.pending':
			'{count} changes on this device have not reached the server yet. Logging out deletes this device’s copy, and those changes will be lost.',
		'logout.pending_one':
			'1 change on this device has not reached the server yet. Logging out deletes this device’s copy, and that change will be lost.',
		'logout.pendingOffline':
			'You are offline, so {count} changes on this device cannot be sent now. If you log out now, they are lost. Stay logged in and reconnect to keep them.',
		'logout.pendingOffline_one':
			'You are offline, so 1 change on this device cannot be sent now. If you log out now, it is lost. Stay logged in and reconnect to keep it.',
		'logout.confirm': 'Log out and discard changes',
		'logout.stay': 'Stay logged in',
		'error.network': 'Could not reach the server. Check your connection and try again.',
		'error.server': 'The server had a problem. Try again in a moment.',
		'error.forbidden':
			'Your account may not do this. Ask an administrator for the role if you need it.',
		'error.notFound': 'The server no longer has what this page asked for. Reload the page.',
		'error.invalid':
			'The server could not read this request (the app may be out of date). Reload the page and try again.',
		'error.tooLarge': 'This is too large for the server. Make it smaller and try again.',
		'error.tooMany': 'Too many requests in a short time. Wait a few minutes, then try again.',
		'error.sessionEnded': 'Your session has ended. Log in again.',
		'error.gridLoad': 'The table could not be loaded. Check your connection, then reload the page.'
	},
	fa: {
		'app.name': 'گیلدهال',
		'app.loading': 'در حال بارگذاری…',
		'list.semicolon': '؛ ',
		'list.colon': ': ',
		'list.meta': ' | ',
		'noAccess.pipeline':
			'نقش شما به روند عضویت دسترسی ندارد. اگر لازم دارید از مدیر سامانه بخواهید.',
		'noAccess.settings': 'نقش شما به تنظیمات دسترسی ندارد. اگر لازم دارید از مدیر سامانه بخواهید.',
		'noAccess.documents':
			'نقش شما به اسناد اعضا دسترسی ندارد. اگر لازم دارید از مدیر سامانه بخواهید.',
		'noAccess.import':
			'نقش شما اجازهٔ ورود اعضا از فایل را ندارد. اگر لازم دارید از مدیر سامانه بخواهید.',
		'noAccess.memberFile':
			'نقش شما به پرونده اعضا دسترسی ندارد. اگر لازم دارید از مدیر سامانه بخواهید.',
		'refused.title':
			'{count} تغییری که در این دستگاه در {doc} داده شد ذخیره نشد: اکنون فقط می‌توانید آن را ببینید.',
		'refused.todo':
			'این تغییرها دیگر نمایش داده نمی‌شوند و ارقام همان ارقام سرور است. از کسی که اجازهٔ ویرایش دارد بخواهید آن‌ها را دوباره وارد کند، یا از مدیر سامانه دسترسی ویرایش بخواهید.',
		'dropped.title':
			'{count} کاری که در این دستگاه در انتظار ارسال بود کنار گذاشته شد: نقش شما دیگر اجازهٔ آن را نمی‌دهد.',
		'dropped.todo':
			'هیچ‌کدام فرستاده نشد. از کسی که نقشش اجازه می‌دهد بخواهید آن را انجام دهد، یا اگر نقش شما باید این اجازه را داشته باشد از مدیر سامانه بپرسید.',
		'refused.dismiss': 'متوجه شدم',
		'refused.doc.registry': 'فهرست اعضا',
		'refused.doc.ledger': 'دفتر حق عضویت',
		'refused.doc.surveys': 'نظرسنجی‌ها',
		'refused.doc.settings': 'تنظیمات',
		'refused.doc.reports': 'گزارش‌ها',
		'refused.titleNoAccess':
			'{count} تغییری که در این دستگاه در {doc} داده شد ذخیره نشد: نقش شما دیگر به آن دسترسی ندارد.',
		'refused.memberFields': '{name}: {fields}',
		'rolesChanged.formClosed':
			'مدیر سامانه نقش‌های شما را تغییر داد. فرم «{form}» که باز بود بسته شد و چیزی از آن ذخیره نشد: آن را جایی که نقش شما اجازه می‌دهد دوباره وارد کنید.',
		'noAccess.elsewhere': 'نقش شما می‌تواند این‌ها را باز کند:',
		'sync.closed.rolesChanged':
			'نقش‌های شما تغییر کرد: این صفحه با نقش‌های تازه دوباره باز می‌شود…',
		'app.redirecting': 'در حال باز کردن صفحهٔ ورود…',
		'nav.label': 'اصلی',
		'nav.members': 'اعضا',
		'nav.admin': 'کاربران',
		'action.logout': 'خروج',
		'action.loggingOut': 'در حال خروج…',
		'action.cancel': 'انصراف',
		'action.save': 'ذخیره',
		'action.saving': 'در حال ذخیره…',
		'action.retry': 'تلاش دوباره',
		'action.close': 'بستن',
		'locale.label': 'زبان',
		'user.menu': 'وارد شده با نام {name}',
		'user.roles': 'نقش‌ها',
		'offline.banner':
			'آفلاین — نسخهٔ ذخیره‌شده روی این دستگاه نمایش داده می‌شود. تغییرات شما همین‌جا نگه داشته می‌شوند و با برقراری اتصال ارسال می‌شوند.',
		'role.admin': 'مدیر سامانه',
		'role.staff': 'کارشناس عضویت',
		'role.approver': 'تأییدکننده',
		'role.finance': 'مالی',
		'role.board': 'هیئت‌مدیره',
		'role.admin.hint': 'کاربران و تنظیمات را مدیریت می‌کند؛ همه‌چیز را ویرایش می‌کند.',
		'role.staff.hint': 'فهرست اعضا و نظرسنجی‌ها را ویرایش می‌کند.',
		'role.approver.hint': 'دبیرکل: فرم‌های عضویت را تأیید و دستهٔ عضو را تعیین می‌کند.',
		'role.finance.hint': 'حق عضویت و پرداخت‌ها؛ فهرست اعضا را می‌بیند.',
		'role.board.hint': 'گزارش‌ها را می‌بیند (فقط ارقام و اعضای جدید)؛ هرگز ویرایش نمی‌کند.',
		'logout.title': 'با تغییرات ارسال‌نشده خارج می‌شوید؟',
		'logout.pending':
			'{count} تغییر روی این دستگاه هنوز به سرور نرسیده است. خروج، نسخهٔ این دستگاه را پاک می‌کند و این تغییرات از دست می‌روند.',
		'logout.pending_one':
			'۱ تغییر روی این دستگاه هنوز به سرور نرسیده است. خروج، نسخهٔ این دستگاه را پاک می‌کند و این تغییر از دست می‌رود.',
		'logout.pendingOffline':
			'شما آفلاین هستید، پس {count} تغییر روی این دستگاه اکنون ارسال نمی‌شود. اگر الان خارج شوید، از دست می‌روند. وارد بمانید و پس از اتصال دوباره، آن‌ها حفظ می‌شوند.',
		'logout.pendingOffline_one':
			'شما آفلاین هستید، پس ۱ تغییر روی این دستگاه اکنون ارسال نمی‌شود. اگر الان خارج شوید، از دست می‌رود. وارد بمانید و پس از اتصال دوباره، حفظ می‌شود.',
		'logout.confirm': 'خروج و کنار گذاشتن تغییرات',
		'logout.stay': 'وارد بمانم',
		'error.network': 'اتصال به سرور برقرار نشد. اتصال خود را بررسی کنید و دوباره تلاش کنید.',
		'error.server': 'سرور با مشکل روبه‌رو شد. کمی بعد دوباره تلاش کنید.',
		'error.forbidden': 'حساب شما اجازهٔ این کار را ندارد. اگر لازم است، نقش آن را از مدیر بخواهید.',
		'error.notFound': 'آنچه این صفحه خواست دیگر در سرور نیست. صفحه را دوباره بارگیری کنید.',
		'error.invalid':
			'سرور این درخواست را نتوانست بخواند (شاید برنامه قدیمی باشد). صفحه را دوباره بارگیری کنید و دوباره تلاش کنید.',
		'error.tooLarge':
			'این برای سرور بیش از اندازه بزرگ است. آن را کوچک‌تر کنید و دوباره تلاش کنید.',
		'error.tooMany':
			'درخواست‌ها در زمانی کوتاه بیش از حد بود. چند دقیقه صبر کنید و دوباره تلاش کنید.',
		'error.sessionEnded': 'نشست شما به پایان رسیده است. دوباره وارد شوید.',
		'error.gridLoad': 'جدول بارگیری نشد. اتصال خود را بررسی کنید و سپس صفحه را دوباره بارگیری کنید.'
	},
	zh: {
		'app.name': 'Guildhall',
		'app.loading': '正在加载…',
		'refused.title': '本设备对{doc}所做的 {count} 项更改未能保存：您现在只能查看。',
		'refused.todo':
			'这些更改已不再显示，数字以服务器为准。请有编辑权限的人重新录入，或请管理员授予编辑权限。',
		'dropped.title': '本设备上等待发送的 {count} 项操作已被删除：您的角色已不再允许这些操作。',
		'dropped.todo':
			'这些操作均未发送。请让角色允许的人来完成，或者如果您的角色应当允许，请询问管理员。',
		'refused.dismiss': '知道了',
		'refused.doc.registry': '会员名册',
		'refused.doc.ledger': '会费账簿',
		'refused.doc.surveys': '调查',
		'refused.doc.settings': '设置',
		'refused.doc.reports': '报表',
		'refused.titleNoAccess': '本设备对{doc}所做的 {count} 项更改未能保存：您的角色已无权访问。',
		'refused.memberFields': '{name}：{fields}',
		'rolesChanged.formClosed':
			'管理员更改了您的角色。您打开的表单“{form}”已关闭，其中的内容均未保存：请在您的角色允许的地方重新录入。',
		'noAccess.elsewhere': '您的角色可以打开：',
		'sync.closed.rolesChanged': '您的角色已更改：本页正在以新角色重新打开…',
		'list.semicolon': '；',
		'list.colon': '：',
		'list.meta': ' · ',
		'noAccess.pipeline': '您的角色无权访问入会流程。如需访问，请联系管理员。',
		'noAccess.settings': '您的角色无权访问设置。如需访问，请联系管理员。',
		'noAccess.documents': '您的角色无权查看会员文件。如需访问，请联系管理员。',
		'noAccess.import': '您的角色无权导入会员。如需使用，请联系管理员。',
		'noAccess.memberFile': '您的角色无权查看会员档案。如需访问，请联系管理员。',
		'app.redirecting': '正在打开登录页…',
		'nav.label': '主导航',
		'nav.members': '会员',
		'nav.admin': '用户',
		'action.logout': '退出登录',
		'action.loggingOut': '正在退出…',
		'action.cancel': '取消',
		'action.save': '保存',
		'action.saving': '正在保存…',
		'action.retry': '重试',
		'action.close': '关闭',
		'locale.label': '语言',
		'user.menu': '当前用户：{name}',
		'user.roles': '角色',
		'offline.banner': '离线 — 正在显示本设备上的副本。您的更改保存在本机，联网后自动发送。',
		'role.admin': '管理员',
		'role.staff': '组织部人员',
		'role.approver': '审批人',
		'role.finance': '财务',
		'role.board': '理事会',
		'role.admin.hint': '管理用户和设置；可编辑全部内容。',
		'role.staff.hint': '编辑会员名册和服务需求征集。',
		'role.approver.hint': '秘书长：审批入会申请表并确认会员类别。',
		'role.finance.hint': '会费与缴费；可查看会员名册。',
		'role.board.hint': '查看报表（仅统计数据和新会员）；不能编辑。',
		'logout.title': '有未同步的更改，仍要退出吗？',
		'logout.pending':
			'本设备上有 {count} 项更改尚未送达服务器。退出将删除本设备上的副本，这些更改会丢失。',
		'logout.pending_one':
			'本设备上有 1 项更改尚未送达服务器。退出将删除本设备上的副本，这项更改会丢失。',
		'logout.pendingOffline':
			'您当前离线，本设备上的 {count} 项更改现在无法发送。如果现在退出，这些更改会丢失。请保持登录，联网后即可保存。',
		'logout.pendingOffline_one':
			'您当前离线，本设备上的 1 项更改现在无法发送。如果现在退出，这项更改会丢失。请保持登录，联网后即可保存。',
		'logout.confirm': '退出并放弃更改',
		'logout.stay': '保持登录',
		'error.network': '无法连接服务器。请检查网络后重试。',
		'error.server': '服务器出现问题，请稍后重试。',
		'error.forbidden': '您的账号无权执行此操作。如有需要，请向管理员申请相应角色。',
		'error.notFound': '服务器上已没有此页面请求的内容。请重新加载页面。',
		'error.invalid': '服务器无法读取此请求（应用可能已过旧）。请重新加载页面后重试。',
		'error.tooLarge': '内容过大，服务器无法接收。请缩小后重试。',
		'error.tooMany': '短时间内请求过多。请等几分钟后重试。',
		'error.sessionEnded': '您的登录已过期，请重新登录。',
		'error.gridLoad': '无法加载表格。请检查网络连接，然后刷新页面。'
	}
});
