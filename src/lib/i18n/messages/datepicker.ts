import { defineMessages } from '../define';

/** The date picker (src/lib/components/date/DatePicker.svelte) and the grid's date editor. */
export const datepicker = defineMessages({
	en: {
		'datepicker.open': 'Open the calendar',
		'datepicker.dialog': 'Choose a date',
		'datepicker.previousMonth': 'Previous month',
		'datepicker.nextMonth': 'Next month',
		'datepicker.previousYear': 'Previous year',
		'datepicker.nextYear': 'Next year',
		'datepicker.today': 'Today',
		'datepicker.clear': 'Clear',
		'datepicker.invalid':
			'This is not a date. Type one such as {example}, or pick it in the calendar.',
		'datepicker.required':
			'A date is needed. Type one such as {example}, or pick it in the calendar.',
		'datepicker.tooEarly': 'Choose {min} or later.',
		'datepicker.tooLate': 'Choose {max} or earlier.',
		'datepicker.keys':
			'Arrows: day and week · Page Up/Down: month · Shift+Page Up/Down: year · Enter: choose'
	},
	fa: {
		'datepicker.open': 'باز کردن تقویم',
		'datepicker.dialog': 'انتخاب تاریخ',
		'datepicker.previousMonth': 'ماه قبل',
		'datepicker.nextMonth': 'ماه بعد',
		'datepicker.previousYear': 'سال قبل',
		'datepicker.nextYear': 'سال بعد',
		'datepicker.today': 'امروز',
		'datepicker.clear': 'پاک کردن',
		'datepicker.invalid':
			'این تاریخ معتبر نیست. تاریخی مانند {example} بنویسید یا از تقویم انتخاب کنید.',
		'datepicker.required':
			'تاریخ لازم است. تاریخی مانند {example} بنویسید یا از تقویم انتخاب کنید.',
		'datepicker.tooEarly': 'تاریخ {min} یا پس از آن را انتخاب کنید.',
		'datepicker.tooLate': 'تاریخ {max} یا پیش از آن را انتخاب کنید.',
		'datepicker.keys':
			'کلیدهای جهت: روز و هفته | Page Up/Down: ماه | Shift+Page Up/Down: سال | Enter: انتخاب'
	},
	zh: {
		'datepicker.open': '打开日历',
		'datepicker.dialog': '选择日期',
		'datepicker.previousMonth': '上个月',
		'datepicker.nextMonth': '下个月',
		'datepicker.previousYear': '上一年',
		'datepicker.nextYear': '下一年',
		'datepicker.today': '今天',
		'datepicker.clear': '清除',
		'datepicker.invalid': '这不是有效日期。请输入如 {example} 的日期，或在日历中选择。',
		'datepicker.required': '需要填写日期。请输入如 {example} 的日期，或在日历中选择。',
		'datepicker.tooEarly': '请选择 {min} 或之后的日期。',
		'datepicker.tooLate': '请选择 {max} 或之前的日期。',
		'datepicker.keys':
			'方向键：按天/周 · Page Up/Down：按月 · Shift+Page Up/Down：按年 · Enter：选择'
	}
});
