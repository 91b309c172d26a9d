import { PageHeader } from '../ui/page';

export default function ReportsPage() {
  return <PageHeader title="Reports" />;
}
