import { PageHeader } from '../ui/page';

export default function ActionsPage() {
  return <PageHeader title="Actions" />;
}
