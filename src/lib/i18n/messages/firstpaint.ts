import { defineMessages } from '../define';

/**
 * Strings of a registry opening fast (docs/CLIENT.md [C14]–[C20]): rows shown from this
 * device's row cache while the registry loads, a new device's first sync and the
 * server's rows shown meanwhile.
 */
export const firstpaint = defineMessages({
	en: {
		'firstPaint.cached':
			'Showing the members saved on this device while the registry loads. You can look and scroll; editing starts when it has loaded.',
		'firstPaint.preview':
			'Showing the {count} members as the server has them: you can look and scroll. Editing starts when the registry has arrived ({received} members so far).',
		'firstPaint.preview_one':
			'Showing the {count} member as the server has it: you can look and scroll. Editing starts when the registry has arrived ({received} members so far).',
		'firstPaint.receivingStart': 'Receiving the member registry from the server…',
		'firstPaint.receiving':
			'Receiving the member registry from the server: {count} members so far…',
		'firstPaint.receiving_one':
			'Receiving the member registry from the server: {count} member so far…'
	},
	fa: {
		'firstPaint.cached':
			'اعضای ذخیره‌شده در این دستگاه نمایش داده می‌شوند تا فهرست بارگذاری شود. می‌توانید ببینید و پیمایش کنید؛ ویرایش پس از بارگذاری ممکن است.',
		'firstPaint.preview':
			'{count} عضو همان‌گونه که در سرور هستند نمایش داده می‌شوند: می‌توانید ببینید و پیمایش کنید. ویرایش پس از دریافت کامل فهرست ممکن است (تاکنون {received} عضو).',
		'firstPaint.preview_one':
			'{count} عضو همان‌گونه که در سرور است نمایش داده می‌شود: می‌توانید ببینید و پیمایش کنید. ویرایش پس از دریافت کامل فهرست ممکن است (تاکنون {received} عضو).',
		'firstPaint.receivingStart': 'در حال دریافت فهرست اعضا از سرور…',
		'firstPaint.receiving': 'در حال دریافت فهرست اعضا از سرور: تاکنون {count} عضو…',
		'firstPaint.receiving_one': 'در حال دریافت فهرست اعضا از سرور: تاکنون {count} عضو…'
	},
	zh: {
		'firstPaint.cached':
			'正在显示本设备保存的会员，名册仍在加载。您可以查看和滚动；加载完成后即可编辑。',
		'firstPaint.preview':
			'正在显示服务器上的 {count} 名会员：您可以查看和滚动。名册接收完成后即可编辑（已收到 {received} 名会员）。',
		'firstPaint.preview_one':
			'正在显示服务器上的 {count} 名会员：您可以查看和滚动。名册接收完成后即可编辑（已收到 {received} 名会员）。',
		'firstPaint.receivingStart': '正在从服务器接收会员名册…',
		'firstPaint.receiving': '正在从服务器接收会员名册：已收到 {count} 名会员…',
		'firstPaint.receiving_one': '正在从服务器接收会员名册：已收到 {count} 名会员…'
	}
});
